'use client';
import { MyTasksView } from '../../components/views/my-tasks-view';

export default function MyTasksPage() {
  return <MyTasksView />;
}
