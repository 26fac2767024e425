// A single transient status message at the bottom of the window.
let timer: number | undefined;

export function showToast(message: string, kind: 'info' | 'error' = 'info', ms = 3500): void {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = message;
  el.classList.toggle('error', kind === 'error');
  el.hidden = false;
  window.clearTimeout(timer);
  timer = window.setTimeout(() => {
    el.hidden = true;
  }, ms);
}
