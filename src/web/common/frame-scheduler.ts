// At most one draw per animation frame, however many changes ask for one.

/** Calls `draw` on the next animation frame; further requests before it are folded into it. */
export function frameScheduler(draw: () => void): () => void {
  let frame = 0;
  return () => {
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      draw();
    });
  };
}
