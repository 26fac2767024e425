// A circular countdown: the arc shrinks as the code's period runs out.
const NS = 'http://www.w3.org/2000/svg';
const R = 12;
const CIRC = 2 * Math.PI * R;

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
      const frac = period > 0 ? Math.max(0, Math.min(1, remaining / period)) : 0;
      arc.setAttribute('stroke-dashoffset', String(CIRC * (1 - frac)));
      label.textContent = String(Math.max(0, Math.ceil(remaining)));
      el.classList.toggle('expiring', remaining <= 5);
      el.setAttribute('aria-label', `${Math.ceil(remaining)} seconds left`);
    },
  };
}
