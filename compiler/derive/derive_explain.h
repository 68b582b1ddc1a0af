/* derive_explain.h — `ebmc explain`: the derived conditionals, blocks, free energy
 * and gradient statistics, as text or YAML. */
#ifndef EBMC_EXPLAIN_H
#define EBMC_EXPLAIN_H
#include "derive.h"

void derive_explain_print(FILE *out, Analysis *an, int yaml);
#endif
