// Venues the browser tests and the render and map benches share: a 100,000-seat stadium bowl.
import { bowlSections } from '../../src/arena-bowl';
import type { EventDefinitionInput } from '../../src/domain';

/** Sections of the stadium, each 100 rows of 100 seats; seat ids `s<section>-<row>-<number>`. */
export const STADIUM_SECTIONS = 10;
/** See STADIUM_SECTIONS. */
export const STADIUM_ROWS = 100;
/** See STADIUM_SECTIONS. */
export const STADIUM_SEATS_PER_ROW = 100;

/**
 * A 100,000-seat stadium: ten stands of curved rows around a field with a stage at one end and a
 * standing pit in front of it; wheelchair places on the first row of every stand.
 */
export function stadiumDefinition(id: string, name = 'Stadium: 100,000 seats'): EventDefinitionInput {
  const categories = [
    { id: 'floor', name: 'Pitch standing', price: 8000 },
    { id: 'lower', name: 'Lower stands', price: 9000 },
    { id: 'upper', name: 'Upper stands', price: 4500 },
    { id: 'club', name: 'Club', price: 15000 },
  ];
  const stands = Array.from({ length: STADIUM_SECTIONS }, (_, i) => ({
    id: `s${i + 1}`,
    // Stands nearest the stage (either end of the horseshoe) are club seats, the ones facing it cheapest.
    category: i === 0 || i === STADIUM_SECTIONS - 1 ? 'club' : i === 4 || i === 5 ? 'upper' : 'lower',
    rows: STADIUM_ROWS,
    seatsPerRow: STADIUM_SEATS_PER_ROW,
    accessibleRows: [1],
  }));
  return {
    id,
    name,
    startsAt: '2030-01-01T20:00:00Z',
    maxSeatsPerUser: 100,
    categories,
    stage: { x: 0, y: -175, width: 90, height: 26, label: 'Stage' },
    sections: bowlSections(stands, { centre: { x: 0, y: 0 }, radius: 210, from: -130, to: 130 }),
    areas: [{ id: 'pit', name: 'Pitch standing', capacity: 20_000, category: 'floor', shape: { x: 0, y: 5, width: 230, height: 290 } }],
  };
}
