export { loadSampleData, type LoadSampleOptions, type LoadSampleResult } from './load-sample-data.js';
export { generateAccounts, sampleSizes, type SampleSize } from './sample-company.js';
export { plantedGroups, type PlantedGroups } from './planted-groups.js';
