// Builds the sections of an arena bowl: sections spread evenly around the floor's centre, each facing it,
// with rows curving around it. The demo event and the 100,000-seat bench and screenshot venues use it;
// the definition it yields is the compact `sections` form (origin, rotation, curve), not a seat list.
import type { SectionInput } from './domain';

/** A section of the bowl before it is placed. */
export interface BowlSection {
  id: string;
  category: string;
  rows: number;
  seatsPerRow: number;
  accessibleRows?: number[];
}

/** Where the bowl goes. Angles in degrees around the centre: 0 is opposite the stage (larger y), clockwise. */
export interface BowlPlacement {
  centre: { x: number; y: number };
  /** Distance from the centre to every section's front row. */
  radius: number;
  /** Angle of the first and the last section's axis. */
  from: number;
  to: number;
}

/** Places `sections` evenly from `from` to `to` around the centre, facing it. */
export function bowlSections(sections: readonly BowlSection[], placement: BowlPlacement): SectionInput[] {
  const { centre, radius, from, to } = placement;
  const step = sections.length > 1 ? (to - from) / (sections.length - 1) : 0;
  return sections.map((section, i) => {
    const angle = from + step * i;
    const radians = (angle * Math.PI) / 180;
    return {
      ...section,
      origin: { x: round(centre.x + radius * Math.sin(radians)), y: round(centre.y + radius * Math.cos(radians)) },
      // The section's rows go back along +y turned by `rotation`: away from the centre.
      rotation: round(-angle),
      curve: radius,
    };
  });
}

/** Hundredths keep the definition short and its coordinates exact. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}
