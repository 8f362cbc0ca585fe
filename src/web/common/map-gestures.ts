// Pointer gestures on the map canvas: drag to pan, click (a press that barely moved), pinch with two
// fingers to zoom around their midpoint, and the wheel to zoom around the pointer.

/** What the gestures drive. */
export interface GestureTarget {
  panBy(dx: number, dy: number): void;
  /** Zooms by `factor` around a canvas point (CSS px). */
  zoomBy(factor: number, px: number, py: number): void;
  click(clientX: number, clientY: number): void;
  hover(clientX: number, clientY: number): void;
  leave(): void;
}

/** Pointer movement below this many CSS px is a click, not a drag. */
const CLICK_SLOP_PX = 4;
/** Wheel delta (px) to zoom factor: e^(−delta × this). */
const WHEEL_ZOOM = 0.0015;

/** Binds the gestures of `canvas` to `target`. */
export function bindGestures(canvas: HTMLCanvasElement, target: GestureTarget): void {
  const pointers = new Map<number, { x: number; y: number }>();
  let moved = false;
  let pinch: { distance: number; x: number; y: number } | null = null;
  const local = (clientX: number, clientY: number): { x: number; y: number } => {
    const rect = canvas.getBoundingClientRect();
    return { x: clientX - rect.left, y: clientY - rect.top };
  };
  const pinchState = (): { distance: number; x: number; y: number } => {
    const [a, b] = [...pointers.values()];
    const mid = local((a.x + b.x) / 2, (a.y + b.y) / 2);
    return { distance: Math.hypot(a.x - b.x, a.y - b.y), x: mid.x, y: mid.y };
  };

  canvas.addEventListener('pointerdown', (e) => {
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    canvas.setPointerCapture(e.pointerId);
    if (pointers.size === 1) moved = false;
    if (pointers.size === 2) {
      moved = true; // a pinch never ends in a click
      pinch = pinchState();
    }
  });
  canvas.addEventListener('pointermove', (e) => {
    const last = pointers.get(e.pointerId);
    if (!last) {
      target.hover(e.clientX, e.clientY);
      return;
    }
    if (pointers.size >= 2 && pinch) {
      last.x = e.clientX;
      last.y = e.clientY;
      const now = pinchState();
      if (pinch.distance > 0 && now.distance > 0) target.zoomBy(now.distance / pinch.distance, now.x, now.y);
      target.panBy(now.x - pinch.x, now.y - pinch.y);
      pinch = now;
      return;
    }
    const dx = e.clientX - last.x;
    const dy = e.clientY - last.y;
    if (moved || Math.abs(dx) + Math.abs(dy) > CLICK_SLOP_PX) {
      moved = true;
      last.x = e.clientX;
      last.y = e.clientY;
      target.panBy(dx, dy);
    }
  });
  const end = (e: PointerEvent, cancelled: boolean): void => {
    if (!pointers.delete(e.pointerId)) return;
    if (pointers.size < 2) pinch = null;
    if (!cancelled && pointers.size === 0 && !moved) target.click(e.clientX, e.clientY);
  };
  canvas.addEventListener('pointerup', (e) => end(e, false));
  canvas.addEventListener('pointercancel', (e) => end(e, true));
  canvas.addEventListener('pointerleave', () => target.leave());
  canvas.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const at = local(e.clientX, e.clientY);
      // Trackpad pinches arrive as wheel events with ctrlKey and small deltas: zoom faster for them.
      const delta = e.ctrlKey ? e.deltaY * 8 : e.deltaY;
      target.zoomBy(Math.exp(-delta * WHEEL_ZOOM), at.x, at.y);
    },
    { passive: false },
  );
}
