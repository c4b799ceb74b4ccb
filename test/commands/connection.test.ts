// Connection commands over a real socket: PING ECHO HELLO AUTH SELECT QUIT RESET and CLIENT.
// Exact bytes (HELLO 3's map, CLIENT REPLY OFF/SKIP, verbatim replies) go through RawClient.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';

const ERR_NAME = '-ERR Client names cannot contain spaces, newlines or special characters.\r\n';

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

let s: RunningServer;
let r: Redis;

beforeAll(async () => {
  s = await startServer({ port: 0, config: { loglevel: 'warning' } });
  r = new Redis({ port: s.port, protocol: 2, lazyConnect: true });
  await r.connect();
});

afterAll(async () => {
  r.disconnect();
  await s.close();
});

describe('PING / ECHO', () => {
  it('replies PONG, echoes a message, rejects extra arguments', async () => {
    expect(await r.ping()).toBe('PONG');
    expect(await r.ping('hello')).toBe('hello');
    await expect(r.call('PING', 'a', 'b')).rejects.toThrow("ERR wrong number of arguments for 'ping' command");
    expect(await r.echo('x\x00y')).toBe('x\x00y');
    await expect(r.call('ECHO')).rejects.toThrow("wrong number of arguments for 'echo'");
  });
});

describe('HELLO', () => {
  it('HELLO 3 replies the exact 7.0 map and switches to RESP3', async () => {
    const c = await RawClient.connect(s.port);
    const id = Number((await c.call('CLIENT', 'ID')).slice(1, -2));
    const reply = await c.call('HELLO', '3');
    expect(reply).toBe(
      '%7\r\n' + bulk('server') + bulk('redis') + bulk('version') + bulk('7.0.15') + bulk('proto') + ':3\r\n' +
        bulk('id') + `:${id}\r\n` + bulk('mode') + bulk('standalone') + bulk('role') + bulk('master') +
        bulk('modules') + '*0\r\n',
    );
    expect(await c.call('CLIENT', 'GETNAME')).toBe('_\r\n');
    // HELLO without a version reports the current protocol and leaves it as is.
    expect((await c.call('HELLO')).startsWith('%7\r\n')).toBe(true);
    const two = await c.call('HELLO', '2');
    expect(two.startsWith('*14\r\n')).toBe(true);
    expect(two).toContain(bulk('proto') + ':2\r\n');
    expect(await c.call('CLIENT', 'GETNAME')).toBe('$-1\r\n');
    c.close();
  });

  it('validates the version and options', async () => {
    const c = await RawClient.connect(s.port);
    expect(await c.call('HELLO', '4')).toBe('-NOPROTO unsupported protocol version\r\n');
    expect(await c.call('HELLO', '1')).toBe('-NOPROTO unsupported protocol version\r\n');
    expect(await c.call('HELLO', 'x')).toBe('-ERR Protocol version is not an integer or out of range\r\n');
    expect(await c.call('HELLO', '3', 'FOO')).toBe("-ERR Syntax error in HELLO option 'FOO'\r\n");
    expect(await c.call('HELLO', '3', 'AUTH', 'default')).toBe("-ERR Syntax error in HELLO option 'AUTH'\r\n");
    expect(await c.call('HELLO', '3', 'SETNAME', 'a b')).toBe(ERR_NAME);
    // Errors leave the protocol alone.
    expect(await c.call('PING')).toBe('+PONG\r\n');
    expect((await c.call('HELLO', '2', 'SETNAME', 'conn1')).startsWith('*14\r\n')).toBe(true);
    expect(await c.call('CLIENT', 'GETNAME')).toBe(bulk('conn1'));
    c.close();
  });

  it('ioredis can talk RESP3 (HELLO 3 handshake)', async () => {
    const r3 = new Redis({ port: s.port, protocol: 3, lazyConnect: true });
    await r3.connect();
    expect(await r3.ping()).toBe('PONG');
    const cfg = await r3.call('CONFIG', 'GET', 'maxmemory');
    expect(cfg).toEqual(expect.anything());
    r3.disconnect();
  });
});

describe('AUTH', () => {
  it('without a password configured', async () => {
    await expect(r.call('AUTH', 'pw')).rejects.toThrow(
      'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    );
    expect(await r.call('AUTH', 'default', 'anything')).toBe('OK');
    await expect(r.call('AUTH', 'nobody', 'x')).rejects.toThrow('WRONGPASS invalid username-password pair or user is disabled.');
    await expect(r.call('AUTH', 'a', 'b', 'c')).rejects.toThrow('ERR syntax error');
  });

  describe('with requirepass', () => {
    let sp: RunningServer;
    beforeAll(async () => {
      sp = await startServer({ port: 0, config: { loglevel: 'warning', requirepass: 'secret' } });
    });
    afterAll(async () => {
      await sp.close();
    });

    it('gates commands and accepts AUTH pw / AUTH default pw', async () => {
      const c = await RawClient.connect(sp.port);
      expect(await c.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
      expect(await c.call('AUTH', 'wrong')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      expect(await c.call('AUTH', 'other', 'secret')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      expect(await c.call('AUTH', 'secret')).toBe('+OK\r\n');
      expect(await c.call('PING')).toBe('+PONG\r\n');
      // The pre-auth request limits are lifted: a 100 KB argument is accepted.
      const big = 'x'.repeat(100_000);
      expect(await c.call('ECHO', big)).toBe(bulk(big));
      c.close();
      const d = await RawClient.connect(sp.port);
      expect(await d.call('AUTH', 'default', 'secret')).toBe('+OK\r\n');
      expect(await d.call('PING')).toBe('+PONG\r\n');
      d.close();
    });

    it('HELLO needs authentication unless it carries AUTH', async () => {
      const c = await RawClient.connect(sp.port);
      expect(await c.call('HELLO', '3')).toBe(
        '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n',
      );
      expect(await c.call('HELLO', '3', 'AUTH', 'default', 'nope')).toBe(
        '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
      );
      const ok = await c.call('HELLO', '3', 'AUTH', 'default', 'secret', 'SETNAME', 'me');
      expect(ok.startsWith('%7\r\n')).toBe(true);
      expect(await c.call('CLIENT', 'GETNAME')).toBe(bulk('me'));
      c.close();
    });

    it('QUIT works before authentication', async () => {
      const c = await RawClient.connect(sp.port);
      expect(await c.call('QUIT')).toBe('+OK\r\n');
      await c.waitClose();
    });

    it('RESET logs the client out again', async () => {
      const c = await RawClient.connect(sp.port);
      expect(await c.call('AUTH', 'secret')).toBe('+OK\r\n');
      expect(await c.call('RESET')).toBe('+RESET\r\n');
      expect(await c.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
      c.close();
    });
  });
});

describe('SELECT', () => {
  it('switches databases and validates the index', async () => {
    const c = await RawClient.connect(s.port);
    expect(await c.call('SELECT', '1')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'INFO')).toMatch(/ db=1 /);
    expect(await c.call('SELECT', '16')).toBe('-ERR DB index is out of range\r\n');
    expect(await c.call('SELECT', '-1')).toBe('-ERR DB index is out of range\r\n');
    expect(await c.call('SELECT', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await c.call('SELECT', '4294967296')).toBe(
      '-ERR value is out of range, value must between -2147483648 and 2147483647\r\n',
    );
    expect(await c.call('SELECT', '99999999999999999999')).toBe('-ERR value is not an integer or out of range\r\n');
    c.close();
  });
});

describe('QUIT / RESET', () => {
  it('QUIT replies OK, closes, and skips pipelined commands', async () => {
    const c = await RawClient.connect(s.port);
    const replies = c.raw('*1\r\n$4\r\nQUIT\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n', 2);
    await c.waitClose();
    expect(await replies).toEqual(['+OK\r\n', '<closed>']);
  });

  it('RESET restores a fresh connection state', async () => {
    const c = await RawClient.connect(s.port);
    await c.call('HELLO', '3', 'SETNAME', 'n1');
    await c.call('SELECT', '2');
    await c.call('CLIENT', 'NO-EVICT', 'on');
    await c.raw('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n', 0);
    expect(await c.call('RESET')).toBe('+RESET\r\n');
    expect(await c.call('CLIENT', 'GETNAME')).toBe('$-1\r\n');
    const info = await c.call('CLIENT', 'INFO');
    expect(info).toMatch(/ db=0 /);
    expect(info).toMatch(/ flags=N /);
    expect(info).toMatch(/ resp=2 /);
    c.close();
  });
});

describe('CLIENT', () => {
  it('ID, SETNAME, GETNAME', async () => {
    const c = await RawClient.connect(s.port);
    expect(await c.call('CLIENT', 'ID')).toMatch(/^:\d+\r\n$/);
    expect(await c.call('CLIENT', 'GETNAME')).toBe('$-1\r\n');
    expect(await c.call('CLIENT', 'SETNAME', 'foo bar')).toBe(ERR_NAME);
    expect(await c.call('CLIENT', 'SETNAME', 'a\nb')).toBe(ERR_NAME);
    expect(await c.call('CLIENT', 'SETNAME', 'caf\xe9')).toBe(ERR_NAME);
    expect(await c.call('CLIENT', 'SETNAME', 'myname')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'GETNAME')).toBe(bulk('myname'));
    expect(await c.call('CLIENT', 'SETNAME', '')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'GETNAME')).toBe('$-1\r\n');
    expect(await c.call('CLIENT', 'GETNAME', 'x')).toBe("-ERR wrong number of arguments for 'client|getname' command\r\n");
    expect(await c.call('CLIENT', 'FOO')).toBe("-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n");
    c.close();
  });

  it('LIST and INFO lines have Redis 7.0 fields and the caller request in qbuf', async () => {
    const c = await RawClient.connect(s.port);
    const id = Number((await c.call('CLIENT', 'ID')).slice(1, -2));
    const raw = await c.call('CLIENT', 'INFO');
    const line = raw.slice(raw.indexOf('\r\n') + 2, -2);
    expect(line).toMatch(
      new RegExp(
        `^id=${id} addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:\\d+ fd=-?\\d+ name= age=\\d+ idle=\\d+ flags=N db=0 ` +
          'sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=\\d+ argv-mem=10 multi-mem=0 rbs=\\d+ rbp=\\d+ obl=0 oll=0 ' +
          'omem=0 tot-mem=\\d+ events=r cmd=client\\|info user=default redir=-1 resp=2 lib-name= lib-ver=\\n$',
      ),
    );
    const list = await c.call('CLIENT', 'LIST');
    expect(list).toMatch(new RegExp(`id=${id} .* qbuf=26 .* cmd=client\\|list `));
    const byId = await c.call('CLIENT', 'LIST', 'ID', String(id), '999999', String(id));
    expect(byId.match(new RegExp(`id=${id} `, 'g'))?.length).toBe(2);
    expect(await c.call('CLIENT', 'LIST', 'ID', 'x')).toBe('-ERR Invalid client ID\r\n');
    expect(await c.call('CLIENT', 'LIST', 'TYPE', 'normal')).toContain(`id=${id} `);
    expect(await c.call('CLIENT', 'LIST', 'TYPE', 'pubsub')).toBe('$0\r\n\r\n');
    expect(await c.call('CLIENT', 'LIST', 'TYPE', 'bad')).toBe("-ERR Unknown client type 'bad'\r\n");
    expect(await c.call('CLIENT', 'LIST', 'foo')).toBe('-ERR syntax error\r\n');
    await c.call('HELLO', '3');
    const v = await c.call('CLIENT', 'INFO');
    expect(v.startsWith('=')).toBe(true);
    expect(v).toMatch(/^=\d+\r\ntxt:id=/);
    c.close();
  });

  it('SETINFO records lib-name / lib-ver and validates them', async () => {
    const c = await RawClient.connect(s.port);
    expect(await c.call('CLIENT', 'SETINFO', 'LIB-NAME', 'ioredis')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'SETINFO', 'lib-ver', '6.0.0')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'INFO')).toMatch(/ lib-name=ioredis lib-ver=6\.0\.0\n/);
    expect(await c.call('CLIENT', 'SETINFO', 'lib-name', 'a b')).toBe(
      '-ERR lib-name cannot contain spaces, newlines or special characters.\r\n',
    );
    expect(await c.call('CLIENT', 'SETINFO', 'LIB-VER', '1\n2')).toBe(
      '-ERR LIB-VER cannot contain spaces, newlines or special characters.\r\n',
    );
    expect(await c.call('CLIENT', 'SETINFO', 'lib-foo', 'x')).toBe("-ERR Unrecognized option 'lib-foo'\r\n");
    expect(await c.call('CLIENT', 'SETINFO', 'lib-name')).toBe("-ERR wrong number of arguments for 'client|setinfo' command\r\n");
    c.close();
  });

  it('NO-EVICT and NO-TOUCH set their flags', async () => {
    const c = await RawClient.connect(s.port);
    expect(await c.call('CLIENT', 'NO-EVICT', 'on')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'NO-TOUCH', 'ON')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'INFO')).toMatch(/ flags=eT /);
    expect(await c.call('CLIENT', 'NO-EVICT', 'off')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'NO-TOUCH', 'off')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'INFO')).toMatch(/ flags=N /);
    expect(await c.call('CLIENT', 'NO-EVICT', 'maybe')).toBe('-ERR syntax error\r\n');
    expect(await c.call('CLIENT', 'NO-TOUCH', 'maybe')).toBe('-ERR syntax error\r\n');
    c.close();
  });

  it('REPLY OFF / ON / SKIP', async () => {
    const c = await RawClient.connect(s.port);
    // OFF: nothing until ON, whose +OK arrives.
    const a = c.raw(
      '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n' +
        '*2\r\n$4\r\nPING\r\n$2\r\np1\r\n' +
        '*2\r\n$4\r\nPING\r\n$4\r\nbad!\r\n*1\r\n$3\r\nNOP\r\n' +
        '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$2\r\nON\r\n' +
        '*2\r\n$4\r\nPING\r\n$2\r\np3\r\n',
      2,
    );
    expect(await a).toEqual(['+OK\r\n', bulk('p3')]);
    // SKIP: the next command's reply only.
    const b = c.raw(
      '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n' +
        '*2\r\n$4\r\nPING\r\n$2\r\ns1\r\n' +
        '*2\r\n$4\r\nPING\r\n$2\r\ns2\r\n',
      1,
    );
    expect(await b).toEqual([bulk('s2')]);
    // SKIP then ON: ON still answers.
    const d = c.raw(
      '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n' +
        '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$2\r\nON\r\n' +
        '*1\r\n$4\r\nPING\r\n',
      2,
    );
    expect(await d).toEqual(['+OK\r\n', '+PONG\r\n']);
    expect(await c.call('CLIENT', 'REPLY', 'maybe')).toBe('-ERR syntax error\r\n');
    c.close();
  });

  it('KILL: argument errors', async () => {
    const c = await RawClient.connect(s.port);
    expect(await c.call('CLIENT', 'KILL')).toBe("-ERR wrong number of arguments for 'client|kill' command\r\n");
    expect(await c.call('CLIENT', 'KILL', 'id', '10', 'wrong_arg')).toBe('-ERR syntax error\r\n');
    for (const bad of ['str', '-1', '0']) {
      expect(await c.call('CLIENT', 'KILL', 'id', bad)).toBe('-ERR client-id should be greater than 0\r\n');
    }
    expect(await c.call('CLIENT', 'KILL', 'type', 'wrong_type')).toBe("-ERR Unknown client type 'wrong_type'\r\n");
    expect(await c.call('CLIENT', 'KILL', 'user', 'wrong_user')).toBe("-ERR No such user 'wrong_user'\r\n");
    expect(await c.call('CLIENT', 'KILL', 'skipme', 'yes_or_no')).toBe('-ERR syntax error\r\n');
    expect(await c.call('CLIENT', 'KILL', '1.2.3.4:5')).toBe('-ERR No such client\r\n');
    expect(await c.call('CLIENT', 'KILL', 'maxage', 'x')).toBe('-ERR maxage is not an integer or out of range\r\n');
    c.close();
  });

  it('KILL by id, by address (old form) and SKIPME', async () => {
    const me = await RawClient.connect(s.port);
    const v1 = await RawClient.connect(s.port);
    const v2 = await RawClient.connect(s.port);
    const id1 = (await v1.call('CLIENT', 'ID')).slice(1, -2);
    expect(await me.call('CLIENT', 'KILL', 'ID', id1)).toBe(':1\r\n');
    await v1.waitClose();
    const info2 = await v2.call('CLIENT', 'INFO');
    const addr2 = /addr=(\S+)/.exec(info2)?.[1] as string;
    expect(await me.call('CLIENT', 'KILL', addr2)).toBe('+OK\r\n');
    await v2.waitClose();
    // The old form can kill the caller, which still gets its reply.
    const myAddr = /addr=(\S+)/.exec(await me.call('CLIENT', 'INFO'))?.[1] as string;
    expect(await me.call('CLIENT', 'KILL', myAddr)).toBe('+OK\r\n');
    await me.waitClose();
  });

  it('KILL SKIPME no kills the caller after its reply', async () => {
    const me = await RawClient.connect(s.port);
    const id = (await me.call('CLIENT', 'ID')).slice(1, -2);
    expect(await me.call('CLIENT', 'KILL', 'ID', id, 'SKIPME', 'yes')).toBe(':0\r\n');
    expect(await me.call('CLIENT', 'KILL', 'ID', id, 'SKIPME', 'no')).toBe(':1\r\n');
    await me.waitClose();
  });

  it('PAUSE / UNPAUSE', { timeout: 8000 }, async () => {
    const c = await RawClient.connect(s.port);
    const other = await RawClient.connect(s.port);
    expect(await c.call('CLIENT', 'PAUSE', 'x')).toBe('-ERR timeout is not an integer or out of range\r\n');
    expect(await c.call('CLIENT', 'PAUSE', '-1')).toBe('-ERR timeout is negative\r\n');
    expect(await c.call('CLIENT', 'PAUSE', '100', 'SOME')).toBe('-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n');
    expect(await c.call('CLIENT', 'PAUSE', '100', 'ALL', 'x')).toBe(
      "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n",
    );
    // WRITE: write commands wait, the rest (UNPAUSE included) run.
    expect(await c.call('CLIENT', 'PAUSE', '10000', 'WRITE')).toBe('+OK\r\n');
    let answered = false;
    const pending = other.call('FLUSHDB').then((x) => {
      answered = true;
      return x;
    });
    const third = await RawClient.connect(s.port);
    expect(await third.call('PING')).toBe('+PONG\r\n');
    third.close();
    await new Promise((res) => setTimeout(res, 100));
    expect(answered).toBe(false);
    expect(await c.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
    expect(await pending).toBe('+OK\r\n');
    // ALL: every command of every normal client waits until the pause ends.
    const t0 = Date.now();
    expect(await c.call('CLIENT', 'PAUSE', '300')).toBe('+OK\r\n');
    expect(await other.call('PING')).toBe('+PONG\r\n');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    c.close();
    other.close();
  });

  it('UNBLOCK validates its arguments (no client is blocked)', async () => {
    const c = await RawClient.connect(s.port);
    expect(await c.call('CLIENT', 'UNBLOCK', '1')).toBe(':0\r\n');
    expect(await c.call('CLIENT', 'UNBLOCK', '1', 'ERROR')).toBe(':0\r\n');
    expect(await c.call('CLIENT', 'UNBLOCK', '1', 'FOO')).toBe('-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n');
    expect(await c.call('CLIENT', 'UNBLOCK', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    c.close();
  });

  it('HELP lists the subcommands', async () => {
    const help = (await r.call('CLIENT', 'HELP')) as string[];
    expect(help[0]).toBe('CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toContain('SETNAME <name>');
    expect(help).toContain('NO-EVICT (ON|OFF)');
    expect(help.slice(-2)).toEqual(['HELP', '    Prints this help.']);
  });
});
