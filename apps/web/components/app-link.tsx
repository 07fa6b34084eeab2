'use client';
import Link from 'next/link';
import type { ComponentProps } from 'react';

/**
 * next/link without viewport prefetching: every page is a small static shell that loads its data itself, and
 * lists can hold hundreds of links (prefetch still happens on hover/touch).
 */
export function AppLink(props: ComponentProps<typeof Link>) {
  return <Link prefetch={false} {...props} />;
}
