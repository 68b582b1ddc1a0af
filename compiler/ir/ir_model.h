/* ir_model.h — the runtime's view of a compiled model (rt_model), filled
 * from the analysis and the kernel program, with the interpreter as its back
 * end until a faster one replaces exec. */
#ifndef EBMC_MODEL_DESC_H
#define EBMC_MODEL_DESC_H
#include "derive.h"
#include "ir.h"
#include "rt_model.h"

rt_model *ir_model_build(Arena *a, Analysis *an, IrProgram *p);
#endif
