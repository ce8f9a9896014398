#!/usr/bin/env node
import { run } from './run'

run(process.argv.slice(2)).then((code) => {
  // exitCode, not exit(): stdout may still be flushing into a pipe
  process.exitCode = code
})
