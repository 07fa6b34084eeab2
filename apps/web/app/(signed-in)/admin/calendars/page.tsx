'use client';
import { CalendarsView } from '../../../../components/views/calendars-view';

export default function CalendarsPage() {
  return <CalendarsView />;
}
