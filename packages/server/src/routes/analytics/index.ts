export { registerSuggestionRoutes } from './suggestion-routes.js';
