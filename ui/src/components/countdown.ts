// A circular countdown: the arc shrinks as the code's period runs out.
import { tr } from '../i18n/i18n';

const tc = tr('common');
const NS = 'http://www.w3.org/2000/svg';
const R = 12;
/** The ring's circumference, the arc's full dash length. */
export const CIRC = 2 * Math.PI * R;

/** What the ring shows with `remaining` of `period` seconds left. */
export interface CountdownFace {
  /** `stroke-dashoffset` of the arc: 0 is a full ring, the circumference an empty one. */
  dashOffset: number;
  /** Whole seconds left, rounded up, never below 0. */
  label: string;
  /** The last five seconds, when a code is about to change. */
  expiring: boolean;
  /** What a screen reader says. */
  ariaLabel: string;
}

/** Pure: the numbers and text for `update`, kept apart from the DOM so they can be tested. */
export function countdownFace(remaining: number, period: number): CountdownFace {
  const frac = period > 0 ? Math.max(0, Math.min(1, remaining / period)) : 0;
  const secs = Math.max(0, Math.ceil(remaining));
  return {
    dashOffset: CIRC * (1 - frac),
    label: String(secs),
    expiring: remaining <= 5,
    ariaLabel: tc('countdown.left', { count: secs }),
  };
}

export interface Countdown {
  el: HTMLDivElement;
  update(remaining: number, period: number): void;
}

export function countdown(): Countdown {
  const el = document.createElement('div');
  el.className = 'countdown';
  el.setAttribute('role', 'timer');
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 30 30');
  const track = document.createElementNS(NS, 'circle');
  const arc = document.createElementNS(NS, 'circle');
  for (const c of [track, arc]) {
    c.setAttribute('cx', '15');
    c.setAttribute('cy', '15');
    c.setAttribute('r', String(R));
    c.setAttribute('fill', 'none');
    c.setAttribute('stroke-width', '3');
  }
  track.setAttribute('class', 'track');
  arc.setAttribute('class', 'arc');
  arc.setAttribute('stroke-linecap', 'round');
  arc.setAttribute('stroke-dasharray', String(CIRC));
  svg.append(track, arc);
  const label = document.createElement('span');
  el.append(svg, label);
  return {
    el,
    update(remaining, period) {
      const face = countdownFace(remaining, period);
      arc.setAttribute('stroke-dashoffset', String(face.dashOffset));
      label.textContent = face.label;
      el.classList.toggle('expiring', face.expiring);
      el.setAttribute('aria-label', face.ariaLabel);
    },
  };
}
