'use client';
import { PoolView } from '../../../components/views/pool-view';

export default function PoolPage() {
  return <PoolView />;
}
