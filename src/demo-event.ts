// The event created on a fresh database so `npm start` has something to show: an arena with a stage, a
// standing floor in front of it and eight sections of curved rows around the floor (2,016 seats and 1,200
// standing places). Sections nearest the stage are premium; wheelchair places are on the back rows of
// the two sections facing the stage.
import { bowlSections } from './arena-bowl';
import type { EventDefinitionInput } from './domain';

const ROWS = 14;
const SEATS_PER_ROW = 18;
const SECTION_IDS = ['101', '102', '103', '104', '105', '106', '107', '108'];

/** The demo event's definition. */
export const DEMO_EVENT: EventDefinitionInput = {
  id: 'demo',
  name: 'Aisle Demo Night',
  startsAt: '2027-06-01T19:30:00Z',
  holdTtlSeconds: 600,
  maxSeatsPerUser: 10,
  categories: [
    { id: 'premium', name: 'Premium', price: 12000 },
    { id: 'standard', name: 'Standard', price: 6500 },
    { id: 'ga', name: 'Standing floor', price: 4000 },
  ],
  stage: { x: 0, y: -27, width: 30, height: 8, label: 'Stage' },
  sections: bowlSections(
    SECTION_IDS.map((id, i) => ({
      id,
      // The two sections at either end of the horseshoe are nearest the stage.
      category: i < 2 || i >= SECTION_IDS.length - 2 ? 'premium' : 'standard',
      rows: ROWS,
      seatsPerRow: SEATS_PER_ROW,
      ...(i === 3 || i === 4 ? { accessibleRows: [ROWS] } : {}),
    })),
    { centre: { x: 0, y: 0 }, radius: 32, from: -120, to: 120 },
  ),
  areas: [{ id: 'floor', name: 'Standing floor', capacity: 1200, category: 'ga', shape: { x: 0, y: 1.5, width: 38, height: 41 } }],
};
