export type { BookCommands, BookCommandsOptions, BooksChange } from './bookCommands.js';
export { createBookCommands } from './bookCommands.js';
export type { BooksRegistry, BooksRegistryOptions } from './booksRegistry.js';
export { createBooksRegistry } from './booksRegistry.js';
export type { BooksService, BooksServiceOptions } from './booksService.js';
export { createBooksService } from './booksService.js';
export type { CatalogueParse } from './catalogue.js';
export { parseBookCatalogue, parseBookCatalogueText } from './catalogue.js';
