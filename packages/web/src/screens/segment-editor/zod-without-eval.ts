import { config } from 'zod';

// Core's schemas use zod, which probes `new Function` once for a faster parser; the CSP refuses
// eval, so the probe is reported as a violation. Without JIT it never probes. This module is
// imported before @strata/core, whose modules parse with zod as they load.
config({ jitless: true });
