"""TLS spoken over any Transport, as the server: for a simulated process that serves HTTPS (kuard on 8443 with a
certificate in /tls) reached through a port-forward stream rather than a socket.

ssl's memory BIOs do the protocol: bytes from the peer go into `incoming`, what TLS wants to send comes out of
`outgoing`. A handshake the client breaks (wrong protocol, it refuses the certificate) ends the connection, as a
socket's would.
"""

from __future__ import annotations

import ssl

from kubesim.server.http import Transport

READ_SIZE = 65536


class TlsStream:
    """The plain bytes of a TLS connection carried by another transport."""

    def __init__(self, inner: Transport, context: ssl.SSLContext) -> None:
        self.inner = inner
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = context.wrap_bio(self.incoming, self.outgoing, server_side=True)

    async def read(self) -> bytes:
        while True:
            try:
                return self.tls.read(READ_SIZE)
            except ssl.SSLWantReadError:
                await self._flush()  # the handshake may be waiting on an answer of ours
                data = await self.inner.read()
                if not data:
                    return b""
                self.incoming.write(data)
            except (ssl.SSLZeroReturnError, ssl.SSLError):
                return b""
            finally:
                await self._flush()

    async def write(self, data: bytes) -> None:
        try:
            self.tls.write(data)
        except ssl.SSLError:
            return
        await self._flush()

    def close(self) -> None:
        self.inner.close()

    async def _flush(self) -> None:
        pending = self.outgoing.read()
        if pending:
            await self.inner.write(pending)
