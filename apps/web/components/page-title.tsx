'use client';
import type { ReactNode } from 'react';
import { useTitle } from '../lib/use-title';

/** The page's <h1> (also the document title), with optional extras on the right. */
export function PageTitle({ title, children, testid }: { title: string; children?: ReactNode; testid?: string }) {
  useTitle(title);
  return (
    <div className="page-title">
      <h1 data-testid={testid}>{title}</h1>
      {children && <div className="page-title-extra">{children}</div>}
    </div>
  );
}
