'use client';
import { MonitorView } from '../../../components/views/monitor-view';

export default function MonitorPage() {
  return <MonitorView />;
}
