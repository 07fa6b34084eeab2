'use client';
import { Suspense } from 'react';
import { TaskView } from '../../../components/views/task-view';

/** Reads its ids from the query string (useSearchParams needs a Suspense boundary in a static export). */
export default function TaskPage() {
  return (
    <Suspense fallback={null}>
      <TaskView />
    </Suspense>
  );
}
