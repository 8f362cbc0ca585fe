// The event created on a fresh database so `npm start` has something to show: 2,400 seats in four
// sections and two general-admission areas.
import type { EventDefinitionInput } from './domain';

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
    { id: 'ga', name: 'General admission', price: 4000 },
  ],
  sections: [
    { id: 'a', category: 'premium', rows: 15, seatsPerRow: 40, accessibleRows: [1] },
    { id: 'b', category: 'premium', rows: 15, seatsPerRow: 40, accessibleRows: [1] },
    { id: 'c', category: 'standard', rows: 15, seatsPerRow: 40 },
    { id: 'd', category: 'standard', rows: 15, seatsPerRow: 40 },
  ],
  areas: [
    { id: 'floor', name: 'Standing floor', capacity: 800, category: 'ga' },
    { id: 'lawn', name: 'Lawn', capacity: 1500, category: 'ga' },
  ],
};
