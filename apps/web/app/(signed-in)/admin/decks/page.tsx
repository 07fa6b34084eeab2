'use client';
import { DecksView } from '../../../../components/views/decks-view';

export default function DecksPage() {
  return <DecksView />;
}
