# Node runtime image for the e2e suite, built without a registry: the offline Debian base plus the
# host's own node and npm. It is the BASE_IMAGE of the claude and codex provider images there
# (their Dockerfiles default to node:22-bookworm-slim, which needs a registry).
# tests/e2e/images/build.sh prepares a build context holding `node` and the `npm` folder.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
