'use client';
import { ApiTokensView } from '../../../../components/views/api-tokens-view';

export default function ApiTokensPage() {
  return <ApiTokensView />;
}
