/** CSV records as objects keyed by the header row, for offline scripts (csv-parse underneath). */
export { parseCsvObjects as parseCsv } from '../src/classifier/training/csv';
