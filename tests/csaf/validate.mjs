// Validates CSAF 2.0 documents with the BSI/Secvisogram validator library: the strict CSAF 2.0
// JSON schema and every mandatory test of section 6.1. One JSON report on stdout, an array with
// one entry per file; exit 0 when every document passes, 1 when one fails, 2 on bad usage.
//
//   node tests/csaf/validate.mjs DOCUMENT.json...
import { readFileSync } from 'node:fs'
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js'
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js'
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js'

const tests = [csaf_2_0_strict, ...Object.values(mandatory)]
const paths = process.argv.slice(2)
if (paths.length === 0) {
  process.stderr.write('usage: node validate.mjs DOCUMENT.json...\n')
  process.exit(2)
}

const reports = []
for (const path of paths) {
  const document = JSON.parse(readFileSync(path, 'utf8'))
  const result = await validateStrict(tests, document)
  reports.push({
    path,
    isValid: result.isValid,
    testsRun: result.tests.map((test) => test.name),
    failed: result.tests
      .filter((test) => !test.isValid)
      .map((test) => ({ name: test.name, errors: test.errors })),
  })
}
process.stdout.write(JSON.stringify(reports, null, 2) + '\n')
process.exitCode = reports.every((report) => report.isValid) ? 0 : 1
