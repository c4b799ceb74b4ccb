// The replica's handshake and payload reading against a scripted master (a plain TCP server):
// the exact commands nodis sends (PING, AUTH with masteruser/masterauth, REPLCONF listening-port
// / ip-address / capa, PSYNC), keepalive newlines, a `$<len>` payload split across writes with
// the stream glued to its end, INFO's master_sync_* fields while it transfers, REPLCONF GETACK
// answered with the offset before the GETACK, and a refused AUTH ending the attempt.
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { encodeKeyspaceToBuffer } from '../../src/persistence/rdb/encoder.js';
import { createStringObject } from '../../src/keyspace/types/string.js';
import { encodeCommand, replyEnd } from '../helpers/resp.js';
import { FakeServer } from '../helpers/fake-ctx.js';
import { infoField as field, sleep, until } from '../helpers/replication.js';

const REPLID = 'a'.repeat(40);

/** A scripted master: records each command a replica sends and lets the test answer. */
class FakeMaster {
  readonly server: net.Server;
  sock: net.Socket | null = null;
  readonly commands: string[][] = [];
  private buf = '';

  private constructor(onCommand: (fm: FakeMaster, argv: string[]) => void) {
    this.server = net.createServer((s) => {
      this.sock = s;
      s.on('data', (d: Buffer) => {
        this.buf += d.latin1Slice();
        for (;;) {
          const end = replyEnd(this.buf, 0);
          if (end === -1) break;
          const argv = parseMultibulk(this.buf.slice(0, end));
          this.buf = this.buf.slice(end);
          this.commands.push(argv);
          onCommand(this, argv);
        }
      });
      s.on('error', () => {});
    });
  }

  static async start(onCommand: (fm: FakeMaster, argv: string[]) => void): Promise<{ fm: FakeMaster; port: number }> {
    const fm = new FakeMaster(onCommand);
    await new Promise<void>((r) => fm.server.listen(0, '127.0.0.1', r));
    return { fm, port: (fm.server.address() as net.AddressInfo).port };
  }

  write(b: Buffer | string): void {
    this.sock?.write(typeof b === 'string' ? Buffer.from(b, 'latin1') : b);
  }

  close(): Promise<void> {
    this.sock?.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
}

function parseMultibulk(s: string): string[] {
  const lines = s.split('\r\n');
  const n = Number((lines[0] as string).slice(1));
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(lines[2 + i * 2] as string);
  return out;
}

/** An RDB payload holding k1..k50 = v1..v50 in database 0 (and `extra` keys). */
function payload(extra?: (fake: FakeServer) => void): Buffer {
  const fake = new FakeServer();
  for (let i = 1; i <= 50; i++) fake.ks.dbs[0]?.add(`k${i}`, createStringObject(`v${i}`));
  extra?.(fake);
  return encodeKeyspaceToBuffer(fake.ks, { repl: { streamDb: 0, replId: REPLID, offset: 100 } });
}

describe('replica handshake with a scripted master', () => {
  let s: RunningServer | null = null;
  let fmRef: FakeMaster | null = null;
  let client: Redis | null = null;

  afterEach(async () => {
    client?.disconnect();
    await s?.close();
    await fmRef?.close();
    s = null;
    fmRef = null;
    client = null;
  });

  it('sends the handshake, reads a split payload and the stream after it, answers GETACK', async () => {
    const rdb = payload();
    const half = Math.floor(rdb.length / 2);
    const { fm, port } = await FakeMaster.start((m, argv) => {
      const cmd = (argv[0] ?? '').toUpperCase();
      if (cmd === 'PING') m.write('+PONG\r\n');
      else if (cmd === 'AUTH' || (cmd === 'REPLCONF' && argv[1] !== 'ACK')) m.write('+OK\r\n');
      else if (cmd === 'PSYNC') m.write(`+FULLRESYNC ${REPLID} 100\r\n\n\n$${rdb.length}\r\n`);
    });
    fmRef = fm;
    s = await startServer({
      port: 0,
      config: { loglevel: 'warning', masteruser: 'repl', masterauth: 'secret', 'replica-announce-ip': '10.0.0.9' },
    });
    client = new Redis({ port: s.port, protocol: 2 });
    expect(await client.replicaof('127.0.0.1', String(port))).toBe('OK');
    await until(() => fm.commands.some((c) => c[0] === 'PSYNC'), 'PSYNC');
    expect(fm.commands).toEqual([
      ['PING'],
      ['AUTH', 'repl', 'secret'],
      ['REPLCONF', 'listening-port', String(s.port)],
      ['REPLCONF', 'ip-address', '10.0.0.9'],
      ['REPLCONF', 'capa', 'eof', 'capa', 'psync2'],
      // A former master continues its own history: its replid and offset + 1.
      ['PSYNC', field(await client.info('replication'), 'master_replid'), '1'],
    ]);
    fm.write(rdb.subarray(0, half));
    await until(async () => field(await client!.info('replication'), 'master_sync_read_bytes') === String(half), 'half');
    const info = await client.info('replication');
    expect(field(info, 'master_sync_in_progress')).toBe('1');
    expect(field(info, 'master_sync_total_bytes')).toBe(String(rdb.length));
    expect(field(info, 'master_sync_left_bytes')).toBe(String(rdb.length - half));
    expect(field(info, 'master_link_status')).toBe('down');
    expect(((await client.call('ROLE')) as unknown[])[3]).toBe('sync');
    const set = encodeCommand(['SET', 'streamed', 'yes']);
    fm.write(Buffer.concat([rdb.subarray(half), encodeCommand(['SELECT', '0']), set]));
    await until(async () => (await client!.get('streamed')) === 'yes', 'the streamed SET');
    expect(await client.dbsize()).toBe(51);
    expect(await client.get('k42')).toBe('v42');
    const applied = 100 + encodeCommand(['SELECT', '0']).length + set.length;
    const replInfo = await client.info('replication');
    expect(field(replInfo, 'master_replid')).toBe(REPLID);
    expect(field(replInfo, 'slave_repl_offset')).toBe(String(applied));
    expect(field(replInfo, 'master_repl_offset')).toBe(String(applied));
    // The first ACK goes out at once (offset 100), GETACK is answered with the offset before it.
    expect(fm.commands.find((c) => c[1] === 'ACK')).toEqual(['REPLCONF', 'ACK', '100']);
    fm.commands.length = 0;
    fm.write(encodeCommand(['REPLCONF', 'GETACK', '*']));
    await until(() => fm.commands.some((c) => c[1] === 'ACK'), 'ACK');
    expect(fm.commands.find((c) => c[1] === 'ACK')).toEqual(['REPLCONF', 'ACK', String(applied)]);
    // MULTI is applied (and counted) as a whole at EXEC.
    fm.write(Buffer.concat([encodeCommand(['MULTI']), encodeCommand(['INCR', 'n'])]));
    await sleep(50);
    const getack = encodeCommand(['REPLCONF', 'GETACK', '*']).length;
    expect(field(await client.info('replication'), 'slave_repl_offset')).toBe(String(applied + getack));
    fm.write(encodeCommand(['EXEC']));
    await until(async () => (await client!.get('n')) === '1', 'EXEC');
    const multi = encodeCommand(['MULTI']).length + encodeCommand(['INCR', 'n']).length + encodeCommand(['EXEC']).length;
    expect(field(await client.info('replication'), 'slave_repl_offset')).toBe(String(applied + getack + multi));
  });

  it('gives up the attempt when the master refuses AUTH, and retries', async () => {
    const { fm, port } = await FakeMaster.start((m, argv) => {
      const cmd = (argv[0] ?? '').toUpperCase();
      if (cmd === 'PING') m.write('-NOAUTH Authentication required.\r\n');
      else if (cmd === 'AUTH') m.write('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      else m.write('+OK\r\n');
    });
    fmRef = fm;
    s = await startServer({ port: 0, config: { loglevel: 'warning', masterauth: 'bad' } });
    client = new Redis({ port: s.port, protocol: 2 });
    await client.replicaof('127.0.0.1', String(port));
    await until(() => fm.commands.filter((c) => c[0] === 'PING').length >= 2, 'a second attempt');
    expect(fm.commands.some((c) => c[0] === 'PSYNC')).toBe(false);
    expect(fm.commands[1]).toEqual(['AUTH', 'bad']);
    expect(field(await client.info('replication'), 'master_link_status')).toBe('down');
  }, 10000);

  it('starts with PSYNC ? -1 from the replicaof directive and accepts the diskless EOF form', async () => {
    const rdb = payload();
    const mark = 'e'.repeat(40);
    const { fm, port } = await FakeMaster.start((m, argv) => {
      const cmd = (argv[0] ?? '').toUpperCase();
      if (cmd === 'PING') m.write('+PONG\r\n');
      else if (cmd === 'REPLCONF' && argv[1] !== 'ACK') m.write('+OK\r\n');
      else if (cmd === 'PSYNC') {
        m.write(`+FULLRESYNC ${REPLID} 100\r\n$EOF:${mark}\r\n`);
        m.write(Buffer.concat([rdb, Buffer.from(mark, 'latin1')]));
      }
    });
    fmRef = fm;
    s = await startServer({ port: 0, config: { loglevel: 'warning', replicaof: `127.0.0.1 ${port}` } });
    client = new Redis({ port: s.port, protocol: 2 });
    await until(() => fm.commands.some((c) => c[1] === 'ACK'), 'the first ACK');
    expect(fm.commands.find((c) => c[0] === 'PSYNC')).toEqual(['PSYNC', '?', '-1']);
    expect(await client.dbsize()).toBe(50);
    expect(field(await client.info('replication'), 'master_link_status')).toBe('up');
  });

  it('keeps expired keys from the payload and lets the master\'s commands see them', async () => {
    const rdb = payload((fake) => {
      const db = fake.ks.dbs[0];
      db?.add('cnt', createStringObject('5'));
      db?.setExpire('cnt', Date.now() - 60000);
    });
    const { fm, port } = await FakeMaster.start((m, argv) => {
      const cmd = (argv[0] ?? '').toUpperCase();
      if (cmd === 'PING') m.write('+PONG\r\n');
      else if (cmd === 'REPLCONF' && argv[1] !== 'ACK') m.write('+OK\r\n');
      else if (cmd === 'PSYNC') m.write(Buffer.concat([Buffer.from(`+FULLRESYNC ${REPLID} 100\r\n$${rdb.length}\r\n`), rdb]));
    });
    fmRef = fm;
    s = await startServer({ port: 0, config: { loglevel: 'warning', replicaof: `127.0.0.1 ${port}` } });
    client = new Redis({ port: s.port, protocol: 2 });
    await until(() => fm.commands.some((c) => c[1] === 'ACK'), 'the sync');
    // Logically expired for clients, but not deleted.
    expect(await client.get('cnt')).toBe(null);
    expect(await client.dbsize()).toBe(51);
    // The master's INCR finds the key (its clock decides), then PERSIST makes it visible again.
    fm.write(Buffer.concat([encodeCommand(['SELECT', '0']), encodeCommand(['INCR', 'cnt']), encodeCommand(['PERSIST', 'cnt'])]));
    await until(async () => (await client!.get('cnt')) !== null, 'PERSIST');
    expect(await client.get('cnt')).toBe('6');
    expect(await client.pttl('cnt')).toBe(-1);
    expect(field(await client.info('stats'), 'expired_keys')).toBe('0');
  });

  it('drops a silent master after repl-timeout and connects again', async () => {
    const { fm, port } = await FakeMaster.start(() => {}); // never answers
    fmRef = fm;
    s = await startServer({ port: 0, config: { loglevel: 'warning', 'repl-timeout': 1 } });
    client = new Redis({ port: s.port, protocol: 2 });
    await client.replicaof('127.0.0.1', String(port));
    await until(() => fm.commands.length === 1, 'the first PING');
    expect(((await client.call('ROLE')) as unknown[])[3]).toBe('handshake');
    await until(() => fm.commands.filter((c) => c[0] === 'PING').length === 2, 'a new attempt after the timeout');
  }, 10000);
});
