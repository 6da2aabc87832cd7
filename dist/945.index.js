export const id = 945;
export const ids = [945];
export const modules = {

/***/ 7945:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   commitsSince: () => (/* binding */ commitsSince)
/* harmony export */ });
/* harmony import */ var _actions_exec__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2876);
/* harmony import */ var _base_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4758);
/**
 * Reads commit messages with git (through @actions/exec, so the action and the CLI run it the
 * same way) for `--bump auto`.
 */


const SEPARATOR = '\x1e';
async function git(args, cwd) {
    try {
        const out = await (0,_actions_exec__WEBPACK_IMPORTED_MODULE_0__/* .getExecOutput */ .H)('git', args, { cwd, silent: true, ignoreReturnCode: true });
        return { code: out.exitCode, stdout: out.stdout, stderr: out.stderr };
    }
    catch (error) {
        throw new _base_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RelpackError */ .Hd('INVALID_INPUT', `cannot run git for --bump auto: ${error.message}`, {
            hint: 'install git, or give the bump level (--bump patch|minor|major)',
            cause: error,
        });
    }
}
/**
 * The messages of the commits since the current version's tag (`v<version>`, else `<version>`).
 * Without such a tag every commit reachable from HEAD counts.
 */
async function commitsSince(version, cwd) {
    const inside = await git(['rev-parse', '--is-inside-work-tree'], cwd);
    if (inside.code !== 0 || inside.stdout.trim() !== 'true') {
        throw new _base_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RelpackError */ .Hd('INVALID_INPUT', `--bump auto reads the commit history, but ${cwd} is not in a git work tree`, {
            hint: 'run relpack in the repository checkout, or give the bump level (--bump patch|minor|major)',
        });
    }
    let tag;
    for (const candidate of version ? [`v${version}`, version] : []) {
        const found = await git(['rev-parse', '-q', '--verify', `refs/tags/${candidate}^{commit}`], cwd);
        if (found.code === 0) {
            tag = candidate;
            break;
        }
    }
    const log = await git(['log', `--format=%B${SEPARATOR}`, tag ? `refs/tags/${tag}..HEAD` : 'HEAD'], cwd);
    if (log.code !== 0) {
        // A repository without commits has no HEAD: nothing to analyse.
        if (/does not have any commits|unknown revision|bad revision/i.test(log.stderr))
            return { tag, messages: [], shallow: false };
        throw new _base_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RelpackError */ .Hd('INVALID_INPUT', `git log failed: ${log.stderr.trim()}`);
    }
    const shallow = !tag && (await git(['rev-parse', '--is-shallow-repository'], cwd)).stdout.trim() === 'true';
    const messages = log.stdout
        .split(SEPARATOR)
        .map((m) => m.trim())
        .filter((m) => m !== '');
    return { tag, messages, shallow };
}


/***/ })

};
