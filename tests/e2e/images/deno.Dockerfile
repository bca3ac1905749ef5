# Deno runtime image for the e2e suite, built without a registry: the offline Debian base
# (git included) plus the host's own deno binary, so tests and bottles run the same Deno.
# tests/e2e/images/build.sh prepares a build context holding only the `deno` binary.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY deno /usr/local/bin/deno
# No update check or permission prompt: a bottle has no route to the internet and no operator TTY.
ENV DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1
RUN ["/usr/local/bin/deno", "--version"]
