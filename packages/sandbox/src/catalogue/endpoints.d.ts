// Types of the generated endpoints.js (which TypeScript never reads: 2 MB of data).
import type { CatalogueData } from './types'

declare const data: CatalogueData
export default data
