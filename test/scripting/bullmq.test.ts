// BullMQ against nodis: BullMQ's queue logic is a set of Lua scripts (cmsgpack, cjson, many
// redis.call per job) plus blocking commands and streams, so it exercises scripting the way a
// real job queue does. A queue with two workers processes plain, delayed and failing-then-
// retried jobs, and QueueEvents sees them complete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { startServer, type RunningServer } from '../../src/index.js';

let s: RunningServer;

beforeAll(async () => {
  s = await startServer({ port: 0, config: { loglevel: 'warning' } });
});

afterAll(async () => {
  await s.close();
});

describe('BullMQ on nodis', () => {
  it('runs a queue with workers, delayed jobs, retries and events', { timeout: 60000 }, async () => {
    const connection = { host: '127.0.0.1', port: s.port, maxRetriesPerRequest: null };
    const name = 'nodis-test-queue';
    const queue = new Queue(name, { connection });
    const events = new QueueEvents(name, { connection });
    await events.waitUntilReady();

    const attemptsSeen = new Map<string, number>();
    const processed: string[] = [];
    const processor = async (job: Job): Promise<unknown> => {
      attemptsSeen.set(job.name, (attemptsSeen.get(job.name) ?? 0) + 1);
      if (job.name === 'flaky' && job.attemptsMade < 2) throw new Error('transient failure');
      if (job.name === 'doomed') throw new Error('permanent failure');
      processed.push(job.name);
      return { doubled: (job.data as { n: number }).n * 2 };
    };
    const workers = [
      new Worker(name, processor, { connection, concurrency: 2 }),
      new Worker(name, processor, { connection, concurrency: 2 }),
    ];
    const completed = new Map<string, string>();
    const failed = new Map<string, string>();
    events.on('completed', ({ jobId, returnvalue }) => completed.set(jobId, JSON.stringify(returnvalue)));
    events.on('failed', ({ jobId, failedReason }) => failed.set(jobId, failedReason));

    try {
      const t0 = Date.now();
      const plain = await Promise.all(Array.from({ length: 20 }, (_, i) => queue.add(`plain${i}`, { n: i })));
      const delayed = await queue.add('delayed', { n: 100 }, { delay: 700 });
      const flaky = await queue.add('flaky', { n: 7 }, { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
      const doomed = await queue.add('doomed', { n: 0 }, { attempts: 2 });
      const jobs = [...plain, delayed, flaky, doomed];

      const deadline = Date.now() + 30000;
      while (completed.size + failed.size < jobs.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const [i, job] of plain.entries()) expect(completed.get(job.id as string)).toBe(JSON.stringify({ doubled: i * 2 }));
      expect(completed.get(delayed.id as string)).toBe(JSON.stringify({ doubled: 200 }));
      expect(completed.get(flaky.id as string)).toBe(JSON.stringify({ doubled: 14 }));
      expect(failed.get(doomed.id as string)).toBe('permanent failure');
      expect(attemptsSeen.get('flaky')).toBe(3);
      expect(attemptsSeen.get('doomed')).toBe(2);

      // The delayed job ran only after its delay.
      const delayedJob = await queue.getJob(delayed.id as string);
      expect((delayedJob?.processedOn ?? 0) - t0).toBeGreaterThanOrEqual(650);
      expect(await delayedJob?.getState()).toBe('completed');
      expect(await (await queue.getJob(doomed.id as string))?.getState()).toBe('failed');

      const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'active');
      expect(counts).toEqual({ completed: 22, failed: 1, waiting: 0, delayed: 0, active: 0 });
      expect(processed.length).toBe(22);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await events.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
  });
});
