" Vim syntax file
" Language:    ebmc model specs (*.ebm)
" Maintainer:  the ebmc project (docs/editors/README.md)
" Keywords follow compiler/front/lexer.l; tests/e2e/editors.sh checks that every
" keyword, unit type and function of the compiler is here.

if exists("b:current_syntax")
  finish
endif

" blocks and statements (compiler/front/lexer.l's keywords)
syn keyword ebmBlock     model train sample eval stack
syn keyword ebmStatement visible hidden input param let energy init stage
syn keyword ebmOperator  sum until every
" unit types
syn keyword ebmType      bernoulli spin gaussian softmax relu binomial laplace
" functions of energies, distributions of '~', initialisers
syn keyword ebmFunction  exp log log1p softplus sigmoid tanh logcosh abs sqr sqrt
syn keyword ebmFunction  normal uniform logistic bernoulli_logit constant zeros ones logit_mean linear cosine
" settings of train / sample / eval blocks, methods, loaders, monitors
syn keyword ebmSetting   data method batch epochs lr momentum weight_decay seed monitor mean_field target
syn keyword ebmSetting   optimizer checkpoint_every checkpoint_minutes test filters chains steps out clamp
syn keyword ebmSetting   layers kind joint layer halve sampler offset loss
syn keyword ebmMethod    cd pcd discriminative minimize em ica sfa sparse_coding wake_sleep reinforce backprop
syn keyword ebmMethod    sgd adam hmc metropolis ais exact
syn keyword ebmMethod    idx csv npy bars_and_stripes moving_bar
syn keyword ebmMethod    recon_error pseudo_loglik exact_loglik accuracy none
syn keyword ebmConstant  true false dbn dbm

syn match   ebmNumber    "\<\d\+\(\.\d*\)\=\([eE][+-]\=\d\+\)\=\>"
syn match   ebmNumber    "\.\d\+\([eE][+-]\=\d\+\)\=\>"
syn region  ebmString    start=+"+ skip=+\\\\\|\\"+ end=+"+ oneline
syn match   ebmComment   "#.*$" contains=ebmTodo
syn match   ebmComment   "//.*$" contains=ebmTodo
syn region  ebmComment   start="/\*" end="\*/" contains=ebmTodo
syn keyword ebmTodo      TODO FIXME XXX contained
syn match   ebmTilde     "\~"

hi def link ebmBlock     Structure
hi def link ebmStatement Statement
hi def link ebmOperator  Repeat
hi def link ebmType      Type
hi def link ebmFunction  Function
hi def link ebmSetting   Identifier
hi def link ebmMethod    Special
hi def link ebmConstant  Constant
hi def link ebmNumber    Number
hi def link ebmString    String
hi def link ebmComment   Comment
hi def link ebmTodo      Todo
hi def link ebmTilde     Operator

let b:current_syntax = "ebm"
