'use client';
import { useEffect } from 'react';

/** Sets the document title ("<title> · opkernel"). */
export function useTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · opkernel` : 'opkernel';
  }, [title]);
}
