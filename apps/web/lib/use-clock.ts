'use client';
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;
let now = Date.now();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      listeners.forEach((l) => l());
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/**
 * The current time in epoch ms, re-rendering every second while `active` — one shared timer for every
 * countdown on the page (a thousand rows, one interval). While not `active` it still answers, without ticking.
 */
export function useClock(active = true): number {
  return useSyncExternalStore(active ? subscribe : noSubscribe, snapshot, () => 0);
}

/** The shared time; refreshed here while no timer runs, so a first render is not a stale second behind. */
function snapshot(): number {
  // Stable within a render (consecutive calls are well under a second apart), as useSyncExternalStore needs.
  if (timer === null && Date.now() - now >= 1000) now = Date.now();
  return now;
}

const noSubscribe = () => () => undefined;
