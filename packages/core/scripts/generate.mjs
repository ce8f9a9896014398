// pnpm generate: catalogue/wechatpay-api.json → the typed endpoints of @wxpay/core.
//   src/endpoints/catalogue/<area>.d.ts one interface per product area (`v3/pay`, `hk/v3/…`, …)
//   src/endpoints/catalogue/index.d.ts  `CatalogueEndpoints`, every area merged
// The types are declaration files on purpose: `skipLibCheck` spares every compile of core (tsc,
// tsup's d.ts, vitest's typecheck) re-checking 2 MB of generated declarations; what is used is still
// resolved and checked at the use site, and sample.test-d.ts uses a seeded sample of them.
//   src/endpoints/catalogue/table.ts    the small runtime table (downloads, uploads, apiCert, hosts, URI quirks,
//                                       and the per-endpoint rules of scripts/endpoint-facts.mjs)
//   src/endpoints/catalogue/retry.ts    the endpoints a retry may re-send, with the id that keys them
//   src/endpoints/catalogue/sample.test-d.ts   type tests for a seeded random sample of endpoints
//   ../../docs/endpoints.md             the endpoint index, every endpoint in its three call forms
// `--check` writes nothing and exits 1 when any of these differs from what it would write (CI drift
// check). The output depends only on the catalogue, endpoint-facts.mjs and these scripts: same input, same bytes.
// The generator's modules are in generate/: catalogue.mjs (reading the catalogue), naming.mjs,
// types.mjs (the declaration files), table.mjs (the runtime tables), samples.mjs (the sampled type
// tests), docs.mjs (docs/endpoints.md), write.mjs (write, or check); generate/index.mjs runs them.
import { DOCS, generate, OUT, root } from './generate/index.mjs'
import { writeOrCheck } from './generate/write.mjs'

const { files, endpoints } = generate()
writeOrCheck({ files, out: OUT, root, docs: DOCS, check: process.argv.includes('--check'), endpoints })
