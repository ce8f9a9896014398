// Generates the test keys once for the whole run (four RSA-2048 pairs and a certificate with
// openssl) and hands them to every test file through vitest's provide/inject: generating them per
// file made six files run openssl keygen at once on a loaded CI machine.
import { rmSync } from 'node:fs'
import type { TestProject } from 'vitest/node'
import { generateKeys } from './keys'

export default function setup(project: TestProject) {
  const keys = generateKeys()
  project.provide('testKeys', keys)
  return () => rmSync(keys.dir, { recursive: true, force: true })
}
