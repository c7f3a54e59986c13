"""The fault harness's faults (scripts/chaos.py): each strikes, lasts, heals, and returns the
monotonic time it healed (the bot online again, the LMS or the disk well again)."""
import asyncio
import errno
import os
import subprocess
import time


class SmallDisk:
    """The store's own filesystem: a tmpfs of `mib` MiB (mounting needs root), filled on demand."""

    def __init__(self, path, mib):
        os.makedirs(path, exist_ok=True)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm,mode=0700" % mib,
                            "otrbot-chaos", path], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit("the full-disk fault needs a filesystem of its own; mounting a "
                             "tmpfs failed (run as root): " + r.stderr.strip())
        self.path = path
        self.filler = os.path.join(path, "filler")

    def fill(self):
        with open(self.filler, "wb", buffering=0) as f:
            for chunk in (1 << 20, 1 << 16, 1 << 12, 1 << 8, 1):
                try:
                    while True:
                        f.write(b"\0" * chunk)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise

    def free(self):
        os.unlink(self.filler)

    def close(self):
        subprocess.run(["umount", "-l", self.path], check=False)


class Proxy:
    """TCP between the bot and Prosody: cut() closes every connection through it, as a network
    that drops them would (the bot sees its socket close)."""

    def __init__(self, target_port):
        self.target = target_port
        self.pairs = set()
        self.port = None

    async def start(self):
        self.server = await asyncio.start_server(self.accept, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def accept(self, reader, writer):
        try:
            up_r, up_w = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            writer.close()
            return
        pair = (writer, up_w)
        self.pairs.add(pair)

        async def pump(src, dst):
            try:
                while True:
                    data = await src.read(65536)
                    if not data:
                        break
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()
        await asyncio.gather(pump(reader, up_w), pump(up_r, writer))
        self.pairs.discard(pair)

    def close(self):
        self.server.close()
        self.cut()

    def cut(self):
        for a, b in list(self.pairs):
            for w in (a, b):
                w.transport.abort()
        self.pairs.clear()


async def strike(run, fault):
    """One fault on `run` (chaos.Run); returns when it healed (monotonic s)."""
    loop = asyncio.get_running_loop()
    bot = run.bot
    if fault == "kill9":
        bot.kill()
        bot.start()
        await loop.run_in_executor(None, bot.wait_for, "[manager] online")
    elif fault == "prosody":
        online = bot.log().count("[manager] online")
        await loop.run_in_executor(None, run.prosody.stop)
        await loop.run_in_executor(None, run.prosody.start)
        await loop.run_in_executor(None, bot.wait_for, "[manager] online", online + 1)
    elif fault == "cut":
        online = bot.log().count("[manager] online")
        for k in range(3):  # three cuts, 2 s apart, the bot back online after each
            run.proxy.cut()
            await loop.run_in_executor(None, bot.wait_for, "[manager] online", online + k + 1)
            await asyncio.sleep(2)
    elif fault in ("lms500", "lmssilent"):
        run.lms.set_mode("error" if fault == "lms500" else "silent")
        await asyncio.sleep(run.args.fault_seconds)
        run.lms.set_mode("ok")
    elif fault == "diskfull":
        await loop.run_in_executor(None, run.disk.fill)
        await asyncio.sleep(run.args.fault_seconds)
        run.disk.free()
    else:
        raise ValueError(fault)
    return time.monotonic()
