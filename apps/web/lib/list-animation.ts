'use client';
import type { AutoAnimationPlugin } from '@formkit/auto-animate';
import { useAutoAnimate } from '@formkit/auto-animate/react';
import type { RefCallback } from 'react';

const DURATION = 180;

/**
 * auto-animate's look (fade in, slide to the new place, fade out) with one difference: an element that is
 * leaving stays in the DOM for its exit animation, so it first drops its test hooks and becomes inert —
 * lists never show a row twice to tests or assistive technology.
 */
const plugin: AutoAnimationPlugin = (el, action, oldCoords, newCoords) => {
  if (action === 'add') {
    return new KeyframeEffect(el, [{ opacity: 0 }, { opacity: 1 }], { duration: DURATION, easing: 'ease-in' });
  }
  if (action === 'remove') {
    for (const node of [el, ...el.querySelectorAll('[data-testid]')]) node.removeAttribute('data-testid');
    el.setAttribute('aria-hidden', 'true');
    el.setAttribute('inert', '');
    return new KeyframeEffect(
      el,
      [
        { opacity: 1, transform: 'scale(1)' },
        { opacity: 0, transform: 'scale(.98)' },
      ],
      { duration: DURATION, easing: 'ease-out' },
    );
  }
  const dx = (oldCoords?.left ?? 0) - (newCoords?.left ?? 0);
  const dy = (oldCoords?.top ?? 0) - (newCoords?.top ?? 0);
  return new KeyframeEffect(el, [{ transform: `translate(${dx}px, ${dy}px)` }, { transform: 'translate(0, 0)' }], {
    duration: DURATION,
    easing: 'ease-in-out',
  });
};

/** A ref for a list whose children animate in place when inserted, moved or removed. */
export function useListAnimation<T extends HTMLElement>(): RefCallback<T> {
  const [ref] = useAutoAnimate<T>(plugin);
  return ref;
}
