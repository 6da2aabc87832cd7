# relpack's image: Node 22, a shell, and `relpack` on PATH. It is the GitLab component's default
# image, tagged with the exact release version (registry.gitlab.com/relpack/relpack:X.Y.Z).
#
# Built by the tag pipeline (.gitlab-ci.yml, job `image`, with buildah: no Docker daemon) from a
# context that holds only relpack.tgz, the npm package that the same pipeline packed: the image runs
# exactly the released files, and nothing is fetched from the npm registry (the package has no
# dependencies). To build it by hand: `npm pack && mv relpack-*.tgz ctx/relpack.tgz &&
# docker build -f Dockerfile ctx/`.
FROM node:22-bookworm-slim

ARG VERSION=unknown
LABEL org.opencontainers.image.title="relpack" \
      org.opencontainers.image.description="Publish, verify and fetch release binaries in GitLab and Gitea/Forgejo generic package registries" \
      org.opencontainers.image.source="https://gitlab.com/relpack/relpack" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}"

COPY relpack.tgz /tmp/relpack.tgz
RUN npm install --global --offline --no-audit --no-fund /tmp/relpack.tgz && rm /tmp/relpack.tgz && relpack --version

# No ENTRYPOINT: GitLab runs a job's script through the image's shell, and `docker run IMAGE relpack
# ...` runs the command as given.
CMD ["relpack", "--help"]
