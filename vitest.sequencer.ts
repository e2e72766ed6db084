import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Test files in the order vitest would run them (its cache of durations, else the largest first),
 * except the production rehearsal, which starts first: it is one 7–8 minute test of real minutes
 * (business hours opening while it runs), mostly waiting, and the rest of the suite runs beside it.
 */
export default class RehearsalFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = (f: TestSpecification) => f.moduleId.endsWith('/test/rehearsal.test.ts');
    return [...sorted.filter(first), ...sorted.filter((f) => !first(f))];
  }
}
