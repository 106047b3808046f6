export { listPeople, type ListPeopleInput, type Person } from './list-people.js';
export { bulkPeople, MAX_BULK_PEOPLE, type BulkAction, type BulkOutcome } from './bulk-people.js';
export { peopleErrors } from './people.errors.js';
