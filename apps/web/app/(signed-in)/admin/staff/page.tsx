'use client';
import { StaffView } from '../../../../components/views/staff-view';

export default function StaffPage() {
  return <StaffView />;
}
