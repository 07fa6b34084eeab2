'use client';
import { ResourcesView } from '../../../components/views/resources-view';

export default function ResourcesPage() {
  return <ResourcesView />;
}
