/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison implementation for Yacc-like parsers in C

   Copyright (C) 1984, 1989-1990, 2000-2015, 2018-2021 Free Software Foundation,
   Inc.

   This program is free software: you can redistribute it and/or modify
   it under the terms of the GNU General Public License as published by
   the Free Software Foundation, either version 3 of the License, or
   (at your option) any later version.

   This program is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
   GNU General Public License for more details.

   You should have received a copy of the GNU General Public License
   along with this program.  If not, see <https://www.gnu.org/licenses/>.  */

/* As a special exception, you may create a larger work that contains
   part or all of the Bison parser skeleton and distribute that work
   under terms of your choice, so long as that work isn't itself a
   parser generator using the skeleton or a modified version thereof
   as a parser skeleton.  Alternatively, if you modify or redistribute
   the parser skeleton itself, you may (at your option) remove this
   special exception, which will cause the skeleton and the resulting
   Bison output files to be licensed under the GNU General Public
   License without this special exception.

   This special exception was added by the Free Software Foundation in
   version 2.2 of Bison.  */

/* C LALR(1) parser skeleton written by Richard Stallman, by
   simplifying the original so-called "semantic" parser.  */

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

/* All symbols defined below should begin with yy or YY, to avoid
   infringing on user name space.  This should be done even for local
   variables, as they might otherwise be expanded by user macros.
   There are some unavoidable exceptions within include files to
   define necessary library symbols; they are noted "INFRINGES ON
   USER NAME SPACE" below.  */

/* Identify Bison output, and Bison version.  */
#define YYBISON 30802

/* Bison version string.  */
#define YYBISON_VERSION "3.8.2"

/* Skeleton name.  */
#define YYSKELETON_NAME "yacc.c"

/* Pure parsers.  */
#define YYPURE 2

/* Push parsers.  */
#define YYPUSH 0

/* Pull parsers.  */
#define YYPULL 1





# ifndef YY_CAST
#  ifdef __cplusplus
#   define YY_CAST(Type, Val) static_cast<Type> (Val)
#   define YY_REINTERPRET_CAST(Type, Val) reinterpret_cast<Type> (Val)
#  else
#   define YY_CAST(Type, Val) ((Type) (Val))
#   define YY_REINTERPRET_CAST(Type, Val) ((Type) (Val))
#  endif
# endif
# ifndef YY_NULLPTR
#  if defined __cplusplus
#   if 201103L <= __cplusplus
#    define YY_NULLPTR nullptr
#   else
#    define YY_NULLPTR 0
#   endif
#  else
#   define YY_NULLPTR ((void*)0)
#  endif
# endif

#include "parser.h"
/* Symbol kind.  */
enum yysymbol_kind_t
{
  YYSYMBOL_YYEMPTY = -2,
  YYSYMBOL_YYEOF = 0,                      /* "end of file"  */
  YYSYMBOL_YYerror = 1,                    /* error  */
  YYSYMBOL_YYUNDEF = 2,                    /* "invalid token"  */
  YYSYMBOL_IDENT = 3,                      /* "identifier"  */
  YYSYMBOL_KEY = 4,                        /* "name before '='"  */
  YYSYMBOL_STRING = 5,                     /* "string"  */
  YYSYMBOL_NUMBER = 6,                     /* "number"  */
  YYSYMBOL_MODEL = 7,                      /* "model"  */
  YYSYMBOL_TRAIN = 8,                      /* "train"  */
  YYSYMBOL_SAMPLE = 9,                     /* "sample"  */
  YYSYMBOL_EVAL = 10,                      /* "eval"  */
  YYSYMBOL_VISIBLE = 11,                   /* "visible"  */
  YYSYMBOL_HIDDEN = 12,                    /* "hidden"  */
  YYSYMBOL_INPUT = 13,                     /* "input"  */
  YYSYMBOL_PARAM = 14,                     /* "param"  */
  YYSYMBOL_LET = 15,                       /* "let"  */
  YYSYMBOL_ENERGY = 16,                    /* "energy"  */
  YYSYMBOL_INIT = 17,                      /* "init"  */
  YYSYMBOL_SUM = 18,                       /* "sum"  */
  YYSYMBOL_UNTIL = 19,                     /* "until"  */
  YYSYMBOL_EVERY = 20,                     /* "every"  */
  YYSYMBOL_STAGE = 21,                     /* "stage"  */
  YYSYMBOL_ENTRY_SEP = 22,                 /* "','"  */
  YYSYMBOL_BAD_CHAR = 23,                  /* "bad character"  */
  YYSYMBOL_24_ = 24,                       /* '+'  */
  YYSYMBOL_25_ = 25,                       /* '-'  */
  YYSYMBOL_SUMBODY = 26,                   /* SUMBODY  */
  YYSYMBOL_27_ = 27,                       /* '*'  */
  YYSYMBOL_28_ = 28,                       /* '/'  */
  YYSYMBOL_UMINUS = 29,                    /* UMINUS  */
  YYSYMBOL_30_ = 30,                       /* '^'  */
  YYSYMBOL_31_ = 31,                       /* '}'  */
  YYSYMBOL_32_ = 32,                       /* '{'  */
  YYSYMBOL_33_ = 33,                       /* ':'  */
  YYSYMBOL_34_ = 34,                       /* '='  */
  YYSYMBOL_35_ = 35,                       /* '['  */
  YYSYMBOL_36_ = 36,                       /* ']'  */
  YYSYMBOL_37_ = 37,                       /* '~'  */
  YYSYMBOL_38_ = 38,                       /* ','  */
  YYSYMBOL_39_ = 39,                       /* '('  */
  YYSYMBOL_40_ = 40,                       /* ')'  */
  YYSYMBOL_YYACCEPT = 41,                  /* $accept  */
  YYSYMBOL_program = 42,                   /* program  */
  YYSYMBOL_block = 43,                     /* block  */
  YYSYMBOL_model_stmts = 44,               /* model_stmts  */
  YYSYMBOL_model_stmt = 45,                /* model_stmt  */
  YYSYMBOL_role = 46,                      /* role  */
  YYSYMBOL_dims_opt = 47,                  /* dims_opt  */
  YYSYMBOL_unit_type = 48,                 /* unit_type  */
  YYSYMBOL_init_opt = 49,                  /* init_opt  */
  YYSYMBOL_attrs_opt = 50,                 /* attrs_opt  */
  YYSYMBOL_vars = 51,                      /* vars  */
  YYSYMBOL_entries = 52,                   /* entries  */
  YYSYMBOL_entry = 53,                     /* entry  */
  YYSYMBOL_every_opt = 54,                 /* every_opt  */
  YYSYMBOL_items = 55,                     /* items  */
  YYSYMBOL_item = 56,                      /* item  */
  YYSYMBOL_calls = 57,                     /* calls  */
  YYSYMBOL_call = 58,                      /* call  */
  YYSYMBOL_args = 59,                      /* args  */
  YYSYMBOL_arg = 60,                       /* arg  */
  YYSYMBOL_exprs = 61,                     /* exprs  */
  YYSYMBOL_expr = 62,                      /* expr  */
  YYSYMBOL_primary = 63,                   /* primary  */
  YYSYMBOL_ref = 64                        /* ref  */
};
typedef enum yysymbol_kind_t yysymbol_kind_t;



/* Unqualified %code blocks.  */
#line 41 "compiler/parser.y"

#include <string.h>
#include "lexer.h"

#define CTX ((ParseCtx *)yyget_extra(scanner))
#define A (CTX->arena)

static Expr *mk_expr(ParseCtx *c, ExprKind k, Span s);
static Expr *mk_bin(ParseCtx *c, char op, Expr *l, Expr *r, Span s);
static Stmt *mk_stmt(ParseCtx *c, StmtKind k, Span s);
static void set_args(ParseCtx *c, Expr *e, PList *args);
static void set_vars(ParseCtx *c, PList *vars, int *n, const char ***names, Span **spans);
static Block *mk_block(ParseCtx *c, BlockKind k, const char *name, Span ns, PList *stmts, Span s);
static void yyerror(Span *loc, yyscan_t scanner, const char *msg);

#line 184 "build-asan/gen/parser.c"

#ifdef short
# undef short
#endif

/* On compilers that do not define __PTRDIFF_MAX__ etc., make sure
   <limits.h> and (if available) <stdint.h> are included
   so that the code can choose integer types of a good width.  */

#ifndef __PTRDIFF_MAX__
# include <limits.h> /* INFRINGES ON USER NAME SPACE */
# if defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stdint.h> /* INFRINGES ON USER NAME SPACE */
#  define YY_STDINT_H
# endif
#endif

/* Narrow types that promote to a signed type and that can represent a
   signed or unsigned integer of at least N bits.  In tables they can
   save space and decrease cache pressure.  Promoting to a signed type
   helps avoid bugs in integer arithmetic.  */

#ifdef __INT_LEAST8_MAX__
typedef __INT_LEAST8_TYPE__ yytype_int8;
#elif defined YY_STDINT_H
typedef int_least8_t yytype_int8;
#else
typedef signed char yytype_int8;
#endif

#ifdef __INT_LEAST16_MAX__
typedef __INT_LEAST16_TYPE__ yytype_int16;
#elif defined YY_STDINT_H
typedef int_least16_t yytype_int16;
#else
typedef short yytype_int16;
#endif

/* Work around bug in HP-UX 11.23, which defines these macros
   incorrectly for preprocessor constants.  This workaround can likely
   be removed in 2023, as HPE has promised support for HP-UX 11.23
   (aka HP-UX 11i v2) only through the end of 2022; see Table 2 of
   <https://h20195.www2.hpe.com/V2/getpdf.aspx/4AA4-7673ENW.pdf>.  */
#ifdef __hpux
# undef UINT_LEAST8_MAX
# undef UINT_LEAST16_MAX
# define UINT_LEAST8_MAX 255
# define UINT_LEAST16_MAX 65535
#endif

#if defined __UINT_LEAST8_MAX__ && __UINT_LEAST8_MAX__ <= __INT_MAX__
typedef __UINT_LEAST8_TYPE__ yytype_uint8;
#elif (!defined __UINT_LEAST8_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST8_MAX <= INT_MAX)
typedef uint_least8_t yytype_uint8;
#elif !defined __UINT_LEAST8_MAX__ && UCHAR_MAX <= INT_MAX
typedef unsigned char yytype_uint8;
#else
typedef short yytype_uint8;
#endif

#if defined __UINT_LEAST16_MAX__ && __UINT_LEAST16_MAX__ <= __INT_MAX__
typedef __UINT_LEAST16_TYPE__ yytype_uint16;
#elif (!defined __UINT_LEAST16_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST16_MAX <= INT_MAX)
typedef uint_least16_t yytype_uint16;
#elif !defined __UINT_LEAST16_MAX__ && USHRT_MAX <= INT_MAX
typedef unsigned short yytype_uint16;
#else
typedef int yytype_uint16;
#endif

#ifndef YYPTRDIFF_T
# if defined __PTRDIFF_TYPE__ && defined __PTRDIFF_MAX__
#  define YYPTRDIFF_T __PTRDIFF_TYPE__
#  define YYPTRDIFF_MAXIMUM __PTRDIFF_MAX__
# elif defined PTRDIFF_MAX
#  ifndef ptrdiff_t
#   include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  endif
#  define YYPTRDIFF_T ptrdiff_t
#  define YYPTRDIFF_MAXIMUM PTRDIFF_MAX
# else
#  define YYPTRDIFF_T long
#  define YYPTRDIFF_MAXIMUM LONG_MAX
# endif
#endif

#ifndef YYSIZE_T
# ifdef __SIZE_TYPE__
#  define YYSIZE_T __SIZE_TYPE__
# elif defined size_t
#  define YYSIZE_T size_t
# elif defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  define YYSIZE_T size_t
# else
#  define YYSIZE_T unsigned
# endif
#endif

#define YYSIZE_MAXIMUM                                  \
  YY_CAST (YYPTRDIFF_T,                                 \
           (YYPTRDIFF_MAXIMUM < YY_CAST (YYSIZE_T, -1)  \
            ? YYPTRDIFF_MAXIMUM                         \
            : YY_CAST (YYSIZE_T, -1)))

#define YYSIZEOF(X) YY_CAST (YYPTRDIFF_T, sizeof (X))


/* Stored state numbers (used for stacks). */
typedef yytype_uint8 yy_state_t;

/* State numbers in computations.  */
typedef int yy_state_fast_t;

#ifndef YY_
# if defined YYENABLE_NLS && YYENABLE_NLS
#  if ENABLE_NLS
#   include <libintl.h> /* INFRINGES ON USER NAME SPACE */
#   define YY_(Msgid) dgettext ("bison-runtime", Msgid)
#  endif
# endif
# ifndef YY_
#  define YY_(Msgid) Msgid
# endif
#endif


#ifndef YY_ATTRIBUTE_PURE
# if defined __GNUC__ && 2 < __GNUC__ + (96 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_PURE __attribute__ ((__pure__))
# else
#  define YY_ATTRIBUTE_PURE
# endif
#endif

#ifndef YY_ATTRIBUTE_UNUSED
# if defined __GNUC__ && 2 < __GNUC__ + (7 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_UNUSED __attribute__ ((__unused__))
# else
#  define YY_ATTRIBUTE_UNUSED
# endif
#endif

/* Suppress unused-variable warnings by "using" E.  */
#if ! defined lint || defined __GNUC__
# define YY_USE(E) ((void) (E))
#else
# define YY_USE(E) /* empty */
#endif

/* Suppress an incorrect diagnostic about yylval being uninitialized.  */
#if defined __GNUC__ && ! defined __ICC && 406 <= __GNUC__ * 100 + __GNUC_MINOR__
# if __GNUC__ * 100 + __GNUC_MINOR__ < 407
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")
# else
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")              \
    _Pragma ("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
# endif
# define YY_IGNORE_MAYBE_UNINITIALIZED_END      \
    _Pragma ("GCC diagnostic pop")
#else
# define YY_INITIAL_VALUE(Value) Value
#endif
#ifndef YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_END
#endif
#ifndef YY_INITIAL_VALUE
# define YY_INITIAL_VALUE(Value) /* Nothing. */
#endif

#if defined __cplusplus && defined __GNUC__ && ! defined __ICC && 6 <= __GNUC__
# define YY_IGNORE_USELESS_CAST_BEGIN                          \
    _Pragma ("GCC diagnostic push")                            \
    _Pragma ("GCC diagnostic ignored \"-Wuseless-cast\"")
# define YY_IGNORE_USELESS_CAST_END            \
    _Pragma ("GCC diagnostic pop")
#endif
#ifndef YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_END
#endif


#define YY_ASSERT(E) ((void) (0 && (E)))

#if 1

/* The parser invokes alloca or malloc; define the necessary symbols.  */

# ifdef YYSTACK_ALLOC
   /* Pacify GCC's 'empty if-body' warning.  */
#  define YYSTACK_FREE(Ptr) do { /* empty */; } while (0)
#  ifndef YYSTACK_ALLOC_MAXIMUM
    /* The OS might guarantee only one guard page at the bottom of the stack,
       and a page size can be as small as 4096 bytes.  So we cannot safely
       invoke alloca (N) if N exceeds 4096.  Use a slightly smaller number
       to allow for a few compiler-allocated temporary stack slots.  */
#   define YYSTACK_ALLOC_MAXIMUM 4032 /* reasonable circa 2006 */
#  endif
# else
#  define YYSTACK_ALLOC YYMALLOC
#  define YYSTACK_FREE YYFREE
#  ifndef YYSTACK_ALLOC_MAXIMUM
#   define YYSTACK_ALLOC_MAXIMUM YYSIZE_MAXIMUM
#  endif
#  if (defined __cplusplus && ! defined EXIT_SUCCESS \
       && ! ((defined YYMALLOC || defined malloc) \
             && (defined YYFREE || defined free)))
#   include <stdlib.h> /* INFRINGES ON USER NAME SPACE */
#   ifndef EXIT_SUCCESS
#    define EXIT_SUCCESS 0
#   endif
#  endif
#  ifndef YYMALLOC
#   define YYMALLOC malloc
#   if ! defined malloc && ! defined EXIT_SUCCESS
void *malloc (YYSIZE_T); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
#  ifndef YYFREE
#   define YYFREE free
#   if ! defined free && ! defined EXIT_SUCCESS
void free (void *); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
# endif
# define YYCOPY_NEEDED 1
#endif /* 1 */

#if (! defined yyoverflow \
     && (! defined __cplusplus \
         || (defined YYLTYPE_IS_TRIVIAL && YYLTYPE_IS_TRIVIAL \
             && defined YYSTYPE_IS_TRIVIAL && YYSTYPE_IS_TRIVIAL)))

/* A type that is properly aligned for any stack member.  */
union yyalloc
{
  yy_state_t yyss_alloc;
  YYSTYPE yyvs_alloc;
  YYLTYPE yyls_alloc;
};

/* The size of the maximum gap between one aligned stack and the next.  */
# define YYSTACK_GAP_MAXIMUM (YYSIZEOF (union yyalloc) - 1)

/* The size of an array large to enough to hold all stacks, each with
   N elements.  */
# define YYSTACK_BYTES(N) \
     ((N) * (YYSIZEOF (yy_state_t) + YYSIZEOF (YYSTYPE) \
             + YYSIZEOF (YYLTYPE)) \
      + 2 * YYSTACK_GAP_MAXIMUM)

# define YYCOPY_NEEDED 1

/* Relocate STACK from its old location to the new one.  The
   local variables YYSIZE and YYSTACKSIZE give the old and new number of
   elements in the stack, and YYPTR gives the new location of the
   stack.  Advance YYPTR to a properly aligned location for the next
   stack.  */
# define YYSTACK_RELOCATE(Stack_alloc, Stack)                           \
    do                                                                  \
      {                                                                 \
        YYPTRDIFF_T yynewbytes;                                         \
        YYCOPY (&yyptr->Stack_alloc, Stack, yysize);                    \
        Stack = &yyptr->Stack_alloc;                                    \
        yynewbytes = yystacksize * YYSIZEOF (*Stack) + YYSTACK_GAP_MAXIMUM; \
        yyptr += yynewbytes / YYSIZEOF (*yyptr);                        \
      }                                                                 \
    while (0)

#endif

#if defined YYCOPY_NEEDED && YYCOPY_NEEDED
/* Copy COUNT objects from SRC to DST.  The source and destination do
   not overlap.  */
# ifndef YYCOPY
#  if defined __GNUC__ && 1 < __GNUC__
#   define YYCOPY(Dst, Src, Count) \
      __builtin_memcpy (Dst, Src, YY_CAST (YYSIZE_T, (Count)) * sizeof (*(Src)))
#  else
#   define YYCOPY(Dst, Src, Count)              \
      do                                        \
        {                                       \
          YYPTRDIFF_T yyi;                      \
          for (yyi = 0; yyi < (Count); yyi++)   \
            (Dst)[yyi] = (Src)[yyi];            \
        }                                       \
      while (0)
#  endif
# endif
#endif /* !YYCOPY_NEEDED */

/* YYFINAL -- State number of the termination state.  */
#define YYFINAL  2
/* YYLAST -- Last index in YYTABLE.  */
#define YYLAST   184

/* YYNTOKENS -- Number of terminals.  */
#define YYNTOKENS  41
/* YYNNTS -- Number of nonterminals.  */
#define YYNNTS  24
/* YYNRULES -- Number of rules.  */
#define YYNRULES  71
/* YYNSTATES -- Number of states.  */
#define YYNSTATES  146

/* YYMAXUTOK -- Last valid token kind.  */
#define YYMAXUTOK   280


/* YYTRANSLATE(TOKEN-NUM) -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex, with out-of-bounds checking.  */
#define YYTRANSLATE(YYX)                                \
  (0 <= (YYX) && (YYX) <= YYMAXUTOK                     \
   ? YY_CAST (yysymbol_kind_t, yytranslate[YYX])        \
   : YYSYMBOL_YYUNDEF)

/* YYTRANSLATE[TOKEN-NUM] -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex.  */
static const yytype_int8 yytranslate[] =
{
       0,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
      39,    40,    27,    24,    38,    25,     2,    28,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,    33,     2,
       2,    34,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,    35,     2,    36,    30,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,    32,     2,    31,    37,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     1,     2,     3,     4,
       5,     6,     7,     8,     9,    10,    11,    12,    13,    14,
      15,    16,    17,    18,    19,    20,    21,    22,    23,    26,
      29
};

#if YYDEBUG
/* YYRLINE[YYN] -- Source line where rule number YYN was defined.  */
static const yytype_int16 yyrline[] =
{
       0,    93,    93,    94,    97,   101,   102,   103,   104,   108,
     109,   110,   114,   118,   122,   124,   127,   129,   134,   135,
     136,   140,   141,   145,   146,   150,   151,   155,   156,   160,
     161,   165,   166,   167,   168,   172,   178,   184,   190,   191,
     195,   196,   200,   201,   206,   207,   208,   209,   213,   214,
     218,   219,   220,   224,   225,   229,   230,   234,   235,   236,
     237,   238,   239,   240,   243,   247,   248,   249,   250,   251,
     255,   256
};
#endif

/** Accessing symbol of state STATE.  */
#define YY_ACCESSING_SYMBOL(State) YY_CAST (yysymbol_kind_t, yystos[State])

#if 1
/* The user-facing name of the symbol whose (internal) number is
   YYSYMBOL.  No bounds checking.  */
static const char *yysymbol_name (yysymbol_kind_t yysymbol) YY_ATTRIBUTE_UNUSED;

static const char *
yysymbol_name (yysymbol_kind_t yysymbol)
{
  static const char *const yy_sname[] =
  {
  "end of file", "error", "invalid token", "identifier",
  "name before '='", "string", "number", "model", "train", "sample",
  "eval", "visible", "hidden", "input", "param", "let", "energy", "init",
  "sum", "until", "every", "stage", "','", "bad character", "'+'", "'-'",
  "SUMBODY", "'*'", "'/'", "UMINUS", "'^'", "'}'", "'{'", "':'", "'='",
  "'['", "']'", "'~'", "','", "'('", "')'", "$accept", "program", "block",
  "model_stmts", "model_stmt", "role", "dims_opt", "unit_type", "init_opt",
  "attrs_opt", "vars", "entries", "entry", "every_opt", "items", "item",
  "calls", "call", "args", "arg", "exprs", "expr", "primary", "ref", YY_NULLPTR
  };
  return yy_sname[yysymbol];
}
#endif

#define YYPACT_NINF (-40)

#define yypact_value_is_default(Yyn) \
  ((Yyn) == YYPACT_NINF)

#define YYTABLE_NINF (-1)

#define yytable_value_is_error(Yyn) \
  0

/* YYPACT[STATE-NUM] -- Index in YYTABLE of the portion describing
   STATE-NUM.  */
static const yytype_int16 yypact[] =
{
     -40,   164,   -40,   -26,    13,    19,    33,    42,   -40,   -40,
      16,    34,    52,    57,   -40,   -40,   -40,   -40,    91,    49,
     112,   120,   -40,    56,   -40,   -40,   -40,    48,   105,    59,
     -40,   -40,    93,    63,   -40,    71,    80,   116,     5,   -40,
     -40,    23,   -40,   -40,   -40,    15,    95,   100,    92,    15,
      95,   134,    24,    15,   104,   -40,    15,   135,   -40,   -28,
     -40,   -40,   101,    15,    15,   -40,    -1,   151,   -40,   -40,
      15,   122,   141,    15,   151,   114,    71,   -40,   119,   -40,
       1,   -40,   151,    27,   -40,   133,   -40,   151,    71,   -40,
     141,   118,    58,   -40,    15,    15,    15,    15,    15,    15,
       8,    15,   130,   -40,    31,   151,   153,    15,    72,    72,
     -40,    15,   -40,    15,   124,    41,   -40,   151,   -15,   -15,
     118,   118,   118,   -40,   151,   -40,   -40,   132,   165,    71,
     130,   -40,   151,   -40,   -40,   -40,   151,   -40,    15,   128,
      15,   -40,   -40,   -15,   -40,   151
};

/* YYDEFACT[STATE-NUM] -- Default reduction number in state STATE-NUM.
   Performed when YYTABLE does not specify something else to do.  Zero
   means the default is an error.  */
static const yytype_int8 yydefact[] =
{
       2,     0,     1,     0,     0,     0,     0,     0,     3,     4,
       0,     0,     0,     0,     9,    31,    31,    31,     0,     0,
       0,     0,    11,    70,    18,    19,    20,     0,     0,     0,
       5,    10,     0,     0,    34,    45,     0,     0,     0,     6,
      32,    38,    44,     7,     8,     0,    21,     0,     0,     0,
      21,     0,     0,     0,     0,    33,     0,     0,    36,    70,
      66,    65,     0,     0,     0,    68,     0,    55,    64,    67,
       0,    25,     0,     0,    16,     0,     0,    17,     0,    48,
       0,    50,    53,    38,    40,    42,    31,    39,    47,    46,
       0,    62,     0,    71,     0,     0,     0,     0,     0,     0,
       0,     0,    27,    29,     0,    14,     0,     0,     0,     0,
      49,     0,    35,     0,     0,     0,    69,    56,    57,    58,
      59,    60,    61,    22,    26,    31,    13,     0,     0,    23,
      27,    24,    54,    52,    51,    41,    43,    37,     0,     0,
       0,    30,    12,    63,    28,    15
};

/* YYPGOTO[NTERM-NUM].  */
static const yytype_int16 yypgoto[] =
{
     -40,   -40,   -40,   -40,   -40,   -40,   117,   -40,   -40,    39,
      64,   -13,   139,    87,   -40,    69,   -40,   -19,   -40,     9,
     113,   -39,   -40,   166
};

/* YYDEFGOTO[NTERM-NUM].  */
static const yytype_uint8 yydefgoto[] =
{
       0,     1,     8,    18,    31,    32,    71,   130,   102,   126,
     104,    19,    40,    58,    83,    84,    41,    65,    80,    81,
      66,    82,    68,    69
};

/* YYTABLE[YYPACT[STATE-NUM]] -- What to do in state STATE-NUM.  If
   positive, shift that token.  If negative, reduce the rule whose
   number is the opposite.  If YYTABLE_NINF, syntax error.  */
static const yytype_uint8 yytable[] =
{
      42,    42,    42,    20,    21,     9,    67,    45,    35,    36,
      74,    52,    97,    98,    85,    99,    10,    87,    59,    42,
      60,    61,    11,   108,    91,    92,    37,    59,    78,    60,
      61,    67,    77,    62,   105,    93,    12,    94,    89,   109,
      63,   110,    62,    56,   123,    13,    94,    56,    14,    63,
      34,    46,    35,    36,    64,   117,   118,   119,   120,   121,
     122,    57,   124,    64,    79,   111,    15,   127,   132,   128,
      37,    38,    85,   114,   136,    59,    78,    60,    61,   128,
      39,   138,    95,    96,    16,    97,    98,   131,    99,    17,
      62,    45,    22,    49,    23,    42,    50,    63,   116,   143,
      51,   145,    24,    25,    26,    27,    28,    29,    47,    48,
      52,    64,   139,    34,    53,    35,    36,   133,   134,    54,
      42,    34,    30,    35,    36,    34,    73,    35,    36,    34,
      70,    35,    36,    37,    38,    72,    86,    76,    88,   101,
      90,    37,    38,    43,   103,    37,    38,   106,    99,    37,
      38,    44,   113,   107,   115,   137,   129,    95,    96,   144,
      97,    98,   125,    99,     2,     3,   140,    75,   141,   142,
     112,     4,     5,     6,     7,    95,    96,    55,    97,    98,
     135,    99,     0,   100,    33
};

static const yytype_int16 yycheck[] =
{
      19,    20,    21,    16,    17,    31,    45,    35,     3,     4,
      49,    39,    27,    28,    53,    30,     3,    56,     3,    38,
       5,     6,     3,    22,    63,    64,    21,     3,     4,     5,
       6,    70,    51,    18,    73,    36,     3,    38,    57,    38,
      25,    40,    18,    20,    36,     3,    38,    20,    32,    25,
       1,     3,     3,     4,    39,    94,    95,    96,    97,    98,
      99,    38,   101,    39,    40,    38,    32,    36,   107,    38,
      21,    22,   111,    86,   113,     3,     4,     5,     6,    38,
      31,    40,    24,    25,    32,    27,    28,   106,    30,    32,
      18,    35,     1,    34,     3,   114,     3,    25,    40,   138,
      37,   140,    11,    12,    13,    14,    15,    16,     3,     4,
      39,    39,   125,     1,    34,     3,     4,   108,   109,     3,
     139,     1,    31,     3,     4,     1,    34,     3,     4,     1,
      35,     3,     4,    21,    22,    35,    32,     3,     3,    17,
      39,    21,    22,    31,     3,    21,    22,    33,    30,    21,
      22,    31,    19,    34,    90,    31,     3,    24,    25,    31,
      27,    28,    32,    30,     0,     1,    34,    50,     3,   130,
      83,     7,     8,     9,    10,    24,    25,    38,    27,    28,
     111,    30,    -1,    70,    18
};

/* YYSTOS[STATE-NUM] -- The symbol kind of the accessing symbol of
   state STATE-NUM.  */
static const yytype_int8 yystos[] =
{
       0,    42,     0,     1,     7,     8,     9,    10,    43,    31,
       3,     3,     3,     3,    32,    32,    32,    32,    44,    52,
      52,    52,     1,     3,    11,    12,    13,    14,    15,    16,
      31,    45,    46,    64,     1,     3,     4,    21,    22,    31,
      53,    57,    58,    31,    31,    35,     3,     3,     4,    34,
       3,    37,    39,    34,     3,    53,    20,    38,    54,     3,
       5,     6,    18,    25,    39,    58,    61,    62,    63,    64,
      35,    47,    35,    34,    62,    47,     3,    58,     4,    40,
      59,    60,    62,    55,    56,    62,    32,    62,     3,    58,
      39,    62,    62,    36,    38,    24,    25,    27,    28,    30,
      61,    17,    49,     3,    51,    62,    33,    34,    22,    38,
      40,    38,    54,    19,    52,    51,    40,    62,    62,    62,
      62,    62,    62,    36,    62,    32,    50,    36,    38,     3,
      48,    58,    62,    60,    60,    56,    62,    31,    40,    52,
      34,     3,    50,    62,    31,    62
};

/* YYR1[RULE-NUM] -- Symbol kind of the left-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr1[] =
{
       0,    41,    42,    42,    42,    43,    43,    43,    43,    44,
      44,    44,    45,    45,    45,    45,    45,    45,    46,    46,
      46,    47,    47,    48,    48,    49,    49,    50,    50,    51,
      51,    52,    52,    52,    52,    53,    53,    53,    54,    54,
      55,    55,    56,    56,    57,    57,    57,    57,    58,    58,
      59,    59,    59,    60,    60,    61,    61,    62,    62,    62,
      62,    62,    62,    62,    62,    63,    63,    63,    63,    63,
      64,    64
};

/* YYR2[RULE-NUM] -- Number of symbols on the right-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr2[] =
{
       0,     2,     0,     2,     3,     5,     5,     5,     5,     0,
       2,     2,     6,     5,     4,     7,     3,     3,     1,     1,
       1,     0,     3,     1,     1,     0,     2,     0,     3,     1,
       3,     0,     2,     3,     2,     4,     2,     5,     0,     2,
       1,     3,     1,     3,     1,     1,     3,     3,     3,     4,
       1,     3,     3,     1,     3,     1,     3,     3,     3,     3,
       3,     3,     2,     5,     1,     1,     1,     1,     1,     3,
       1,     4
};


enum { YYENOMEM = -2 };

#define yyerrok         (yyerrstatus = 0)
#define yyclearin       (yychar = YYEMPTY)

#define YYACCEPT        goto yyacceptlab
#define YYABORT         goto yyabortlab
#define YYERROR         goto yyerrorlab
#define YYNOMEM         goto yyexhaustedlab


#define YYRECOVERING()  (!!yyerrstatus)

#define YYBACKUP(Token, Value)                                    \
  do                                                              \
    if (yychar == YYEMPTY)                                        \
      {                                                           \
        yychar = (Token);                                         \
        yylval = (Value);                                         \
        YYPOPSTACK (yylen);                                       \
        yystate = *yyssp;                                         \
        YY_LAC_DISCARD ("YYBACKUP");                              \
        goto yybackup;                                            \
      }                                                           \
    else                                                          \
      {                                                           \
        yyerror (&yylloc, scanner, YY_("syntax error: cannot back up")); \
        YYERROR;                                                  \
      }                                                           \
  while (0)

/* Backward compatibility with an undocumented macro.
   Use YYerror or YYUNDEF. */
#define YYERRCODE YYUNDEF

/* YYLLOC_DEFAULT -- Set CURRENT to span from RHS[1] to RHS[N].
   If N is 0, then set CURRENT to the empty location which ends
   the previous symbol: RHS[0] (always defined).  */

#ifndef YYLLOC_DEFAULT
# define YYLLOC_DEFAULT(Current, Rhs, N)                                \
    do                                                                  \
      if (N)                                                            \
        {                                                               \
          (Current).first_line   = YYRHSLOC (Rhs, 1).first_line;        \
          (Current).first_column = YYRHSLOC (Rhs, 1).first_column;      \
          (Current).last_line    = YYRHSLOC (Rhs, N).last_line;         \
          (Current).last_column  = YYRHSLOC (Rhs, N).last_column;       \
        }                                                               \
      else                                                              \
        {                                                               \
          (Current).first_line   = (Current).last_line   =              \
            YYRHSLOC (Rhs, 0).last_line;                                \
          (Current).first_column = (Current).last_column =              \
            YYRHSLOC (Rhs, 0).last_column;                              \
        }                                                               \
    while (0)
#endif

#define YYRHSLOC(Rhs, K) ((Rhs)[K])


/* Enable debugging if requested.  */
#if YYDEBUG

# ifndef YYFPRINTF
#  include <stdio.h> /* INFRINGES ON USER NAME SPACE */
#  define YYFPRINTF fprintf
# endif

# define YYDPRINTF(Args)                        \
do {                                            \
  if (yydebug)                                  \
    YYFPRINTF Args;                             \
} while (0)


/* YYLOCATION_PRINT -- Print the location on the stream.
   This macro was not mandated originally: define only if we know
   we won't break user code: when these are the locations we know.  */

# ifndef YYLOCATION_PRINT

#  if defined YY_LOCATION_PRINT

   /* Temporary convenience wrapper in case some people defined the
      undocumented and private YY_LOCATION_PRINT macros.  */
#   define YYLOCATION_PRINT(File, Loc)  YY_LOCATION_PRINT(File, *(Loc))

#  elif defined YYLTYPE_IS_TRIVIAL && YYLTYPE_IS_TRIVIAL

/* Print *YYLOCP on YYO.  Private, do not rely on its existence. */

YY_ATTRIBUTE_UNUSED
static int
yy_location_print_ (FILE *yyo, YYLTYPE const * const yylocp)
{
  int res = 0;
  int end_col = 0 != yylocp->last_column ? yylocp->last_column - 1 : 0;
  if (0 <= yylocp->first_line)
    {
      res += YYFPRINTF (yyo, "%d", yylocp->first_line);
      if (0 <= yylocp->first_column)
        res += YYFPRINTF (yyo, ".%d", yylocp->first_column);
    }
  if (0 <= yylocp->last_line)
    {
      if (yylocp->first_line < yylocp->last_line)
        {
          res += YYFPRINTF (yyo, "-%d", yylocp->last_line);
          if (0 <= end_col)
            res += YYFPRINTF (yyo, ".%d", end_col);
        }
      else if (0 <= end_col && yylocp->first_column < end_col)
        res += YYFPRINTF (yyo, "-%d", end_col);
    }
  return res;
}

#   define YYLOCATION_PRINT  yy_location_print_

    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT(File, Loc)  YYLOCATION_PRINT(File, &(Loc))

#  else

#   define YYLOCATION_PRINT(File, Loc) ((void) 0)
    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT  YYLOCATION_PRINT

#  endif
# endif /* !defined YYLOCATION_PRINT */


# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)                    \
do {                                                                      \
  if (yydebug)                                                            \
    {                                                                     \
      YYFPRINTF (stderr, "%s ", Title);                                   \
      yy_symbol_print (stderr,                                            \
                  Kind, Value, Location, scanner); \
      YYFPRINTF (stderr, "\n");                                           \
    }                                                                     \
} while (0)


/*-----------------------------------.
| Print this symbol's value on YYO.  |
`-----------------------------------*/

static void
yy_symbol_value_print (FILE *yyo,
                       yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, yyscan_t scanner)
{
  FILE *yyoutput = yyo;
  YY_USE (yyoutput);
  YY_USE (yylocationp);
  YY_USE (scanner);
  if (!yyvaluep)
    return;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  YY_USE (yykind);
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}


/*---------------------------.
| Print this symbol on YYO.  |
`---------------------------*/

static void
yy_symbol_print (FILE *yyo,
                 yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, yyscan_t scanner)
{
  YYFPRINTF (yyo, "%s %s (",
             yykind < YYNTOKENS ? "token" : "nterm", yysymbol_name (yykind));

  YYLOCATION_PRINT (yyo, yylocationp);
  YYFPRINTF (yyo, ": ");
  yy_symbol_value_print (yyo, yykind, yyvaluep, yylocationp, scanner);
  YYFPRINTF (yyo, ")");
}

/*------------------------------------------------------------------.
| yy_stack_print -- Print the state stack from its BOTTOM up to its |
| TOP (included).                                                   |
`------------------------------------------------------------------*/

static void
yy_stack_print (yy_state_t *yybottom, yy_state_t *yytop)
{
  YYFPRINTF (stderr, "Stack now");
  for (; yybottom <= yytop; yybottom++)
    {
      int yybot = *yybottom;
      YYFPRINTF (stderr, " %d", yybot);
    }
  YYFPRINTF (stderr, "\n");
}

# define YY_STACK_PRINT(Bottom, Top)                            \
do {                                                            \
  if (yydebug)                                                  \
    yy_stack_print ((Bottom), (Top));                           \
} while (0)


/*------------------------------------------------.
| Report that the YYRULE is going to be reduced.  |
`------------------------------------------------*/

static void
yy_reduce_print (yy_state_t *yyssp, YYSTYPE *yyvsp, YYLTYPE *yylsp,
                 int yyrule, yyscan_t scanner)
{
  int yylno = yyrline[yyrule];
  int yynrhs = yyr2[yyrule];
  int yyi;
  YYFPRINTF (stderr, "Reducing stack by rule %d (line %d):\n",
             yyrule - 1, yylno);
  /* The symbols being reduced.  */
  for (yyi = 0; yyi < yynrhs; yyi++)
    {
      YYFPRINTF (stderr, "   $%d = ", yyi + 1);
      yy_symbol_print (stderr,
                       YY_ACCESSING_SYMBOL (+yyssp[yyi + 1 - yynrhs]),
                       &yyvsp[(yyi + 1) - (yynrhs)],
                       &(yylsp[(yyi + 1) - (yynrhs)]), scanner);
      YYFPRINTF (stderr, "\n");
    }
}

# define YY_REDUCE_PRINT(Rule)          \
do {                                    \
  if (yydebug)                          \
    yy_reduce_print (yyssp, yyvsp, yylsp, Rule, scanner); \
} while (0)

/* Nonzero means print parse trace.  It is left uninitialized so that
   multiple parsers can coexist.  */
int yydebug;
#else /* !YYDEBUG */
# define YYDPRINTF(Args) ((void) 0)
# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)
# define YY_STACK_PRINT(Bottom, Top)
# define YY_REDUCE_PRINT(Rule)
#endif /* !YYDEBUG */


/* YYINITDEPTH -- initial size of the parser's stacks.  */
#ifndef YYINITDEPTH
# define YYINITDEPTH 200
#endif

/* YYMAXDEPTH -- maximum size the stacks can grow to (effective only
   if the built-in stack extension method is used).

   Do not make this value too large; the results are undefined if
   YYSTACK_ALLOC_MAXIMUM < YYSTACK_BYTES (YYMAXDEPTH)
   evaluated with infinite-precision integer arithmetic.  */

#ifndef YYMAXDEPTH
# define YYMAXDEPTH 10000
#endif


/* Given a state stack such that *YYBOTTOM is its bottom, such that
   *YYTOP is either its top or is YYTOP_EMPTY to indicate an empty
   stack, and such that *YYCAPACITY is the maximum number of elements it
   can hold without a reallocation, make sure there is enough room to
   store YYADD more elements.  If not, allocate a new stack using
   YYSTACK_ALLOC, copy the existing elements, and adjust *YYBOTTOM,
   *YYTOP, and *YYCAPACITY to reflect the new capacity and memory
   location.  If *YYBOTTOM != YYBOTTOM_NO_FREE, then free the old stack
   using YYSTACK_FREE.  Return 0 if successful or if no reallocation is
   required.  Return YYENOMEM if memory is exhausted.  */
static int
yy_lac_stack_realloc (YYPTRDIFF_T *yycapacity, YYPTRDIFF_T yyadd,
#if YYDEBUG
                      char const *yydebug_prefix,
                      char const *yydebug_suffix,
#endif
                      yy_state_t **yybottom,
                      yy_state_t *yybottom_no_free,
                      yy_state_t **yytop, yy_state_t *yytop_empty)
{
  YYPTRDIFF_T yysize_old =
    *yytop == yytop_empty ? 0 : *yytop - *yybottom + 1;
  YYPTRDIFF_T yysize_new = yysize_old + yyadd;
  if (*yycapacity < yysize_new)
    {
      YYPTRDIFF_T yyalloc = 2 * yysize_new;
      yy_state_t *yybottom_new;
      /* Use YYMAXDEPTH for maximum stack size given that the stack
         should never need to grow larger than the main state stack
         needs to grow without LAC.  */
      if (YYMAXDEPTH < yysize_new)
        {
          YYDPRINTF ((stderr, "%smax size exceeded%s", yydebug_prefix,
                      yydebug_suffix));
          return YYENOMEM;
        }
      if (YYMAXDEPTH < yyalloc)
        yyalloc = YYMAXDEPTH;
      yybottom_new =
        YY_CAST (yy_state_t *,
                 YYSTACK_ALLOC (YY_CAST (YYSIZE_T,
                                         yyalloc * YYSIZEOF (*yybottom_new))));
      if (!yybottom_new)
        {
          YYDPRINTF ((stderr, "%srealloc failed%s", yydebug_prefix,
                      yydebug_suffix));
          return YYENOMEM;
        }
      if (*yytop != yytop_empty)
        {
          YYCOPY (yybottom_new, *yybottom, yysize_old);
          *yytop = yybottom_new + (yysize_old - 1);
        }
      if (*yybottom != yybottom_no_free)
        YYSTACK_FREE (*yybottom);
      *yybottom = yybottom_new;
      *yycapacity = yyalloc;
    }
  return 0;
}

/* Establish the initial context for the current lookahead if no initial
   context is currently established.

   We define a context as a snapshot of the parser stacks.  We define
   the initial context for a lookahead as the context in which the
   parser initially examines that lookahead in order to select a
   syntactic action.  Thus, if the lookahead eventually proves
   syntactically unacceptable (possibly in a later context reached via a
   series of reductions), the initial context can be used to determine
   the exact set of tokens that would be syntactically acceptable in the
   lookahead's place.  Moreover, it is the context after which any
   further semantic actions would be erroneous because they would be
   determined by a syntactically unacceptable token.

   YY_LAC_ESTABLISH should be invoked when a reduction is about to be
   performed in an inconsistent state (which, for the purposes of LAC,
   includes consistent states that don't know they're consistent because
   their default reductions have been disabled).  Iff there is a
   lookahead token, it should also be invoked before reporting a syntax
   error.  This latter case is for the sake of the debugging output.

   For parse.lac=full, the implementation of YY_LAC_ESTABLISH is as
   follows.  If no initial context is currently established for the
   current lookahead, then check if that lookahead can eventually be
   shifted if syntactic actions continue from the current context.
   Report a syntax error if it cannot.  */
#define YY_LAC_ESTABLISH                                                \
do {                                                                    \
  if (!yy_lac_established)                                              \
    {                                                                   \
      YYDPRINTF ((stderr,                                               \
                  "LAC: initial context established for %s\n",          \
                  yysymbol_name (yytoken)));                            \
      yy_lac_established = 1;                                           \
      switch (yy_lac (yyesa, &yyes, &yyes_capacity, yyssp, yytoken))    \
        {                                                               \
        case YYENOMEM:                                                  \
          YYNOMEM;                                                      \
        case 1:                                                         \
          goto yyerrlab;                                                \
        }                                                               \
    }                                                                   \
} while (0)

/* Discard any previous initial lookahead context because of Event,
   which may be a lookahead change or an invalidation of the currently
   established initial context for the current lookahead.

   The most common example of a lookahead change is a shift.  An example
   of both cases is syntax error recovery.  That is, a syntax error
   occurs when the lookahead is syntactically erroneous for the
   currently established initial context, so error recovery manipulates
   the parser stacks to try to find a new initial context in which the
   current lookahead is syntactically acceptable.  If it fails to find
   such a context, it discards the lookahead.  */
#if YYDEBUG
# define YY_LAC_DISCARD(Event)                                           \
do {                                                                     \
  if (yy_lac_established)                                                \
    {                                                                    \
      YYDPRINTF ((stderr, "LAC: initial context discarded due to "       \
                  Event "\n"));                                          \
      yy_lac_established = 0;                                            \
    }                                                                    \
} while (0)
#else
# define YY_LAC_DISCARD(Event) yy_lac_established = 0
#endif

/* Given the stack whose top is *YYSSP, return 0 iff YYTOKEN can
   eventually (after perhaps some reductions) be shifted, return 1 if
   not, or return YYENOMEM if memory is exhausted.  As preconditions and
   postconditions: *YYES_CAPACITY is the allocated size of the array to
   which *YYES points, and either *YYES = YYESA or *YYES points to an
   array allocated with YYSTACK_ALLOC.  yy_lac may overwrite the
   contents of either array, alter *YYES and *YYES_CAPACITY, and free
   any old *YYES other than YYESA.  */
static int
yy_lac (yy_state_t *yyesa, yy_state_t **yyes,
        YYPTRDIFF_T *yyes_capacity, yy_state_t *yyssp, yysymbol_kind_t yytoken)
{
  yy_state_t *yyes_prev = yyssp;
  yy_state_t *yyesp = yyes_prev;
  /* Reduce until we encounter a shift and thereby accept the token.  */
  YYDPRINTF ((stderr, "LAC: checking lookahead %s:", yysymbol_name (yytoken)));
  if (yytoken == YYSYMBOL_YYUNDEF)
    {
      YYDPRINTF ((stderr, " Always Err\n"));
      return 1;
    }
  while (1)
    {
      int yyrule = yypact[+*yyesp];
      if (yypact_value_is_default (yyrule)
          || (yyrule += yytoken) < 0 || YYLAST < yyrule
          || yycheck[yyrule] != yytoken)
        {
          /* Use the default action.  */
          yyrule = yydefact[+*yyesp];
          if (yyrule == 0)
            {
              YYDPRINTF ((stderr, " Err\n"));
              return 1;
            }
        }
      else
        {
          /* Use the action from yytable.  */
          yyrule = yytable[yyrule];
          if (yytable_value_is_error (yyrule))
            {
              YYDPRINTF ((stderr, " Err\n"));
              return 1;
            }
          if (0 < yyrule)
            {
              YYDPRINTF ((stderr, " S%d\n", yyrule));
              return 0;
            }
          yyrule = -yyrule;
        }
      /* By now we know we have to simulate a reduce.  */
      YYDPRINTF ((stderr, " R%d", yyrule - 1));
      {
        /* Pop the corresponding number of values from the stack.  */
        YYPTRDIFF_T yylen = yyr2[yyrule];
        /* First pop from the LAC stack as many tokens as possible.  */
        if (yyesp != yyes_prev)
          {
            YYPTRDIFF_T yysize = yyesp - *yyes + 1;
            if (yylen < yysize)
              {
                yyesp -= yylen;
                yylen = 0;
              }
            else
              {
                yyesp = yyes_prev;
                yylen -= yysize;
              }
          }
        /* Only afterwards look at the main stack.  */
        if (yylen)
          yyesp = yyes_prev -= yylen;
      }
      /* Push the resulting state of the reduction.  */
      {
        yy_state_fast_t yystate;
        {
          const int yylhs = yyr1[yyrule] - YYNTOKENS;
          const int yyi = yypgoto[yylhs] + *yyesp;
          yystate = (0 <= yyi && yyi <= YYLAST && yycheck[yyi] == *yyesp
                     ? yytable[yyi]
                     : yydefgoto[yylhs]);
        }
        if (yyesp == yyes_prev)
          {
            yyesp = *yyes;
            YY_IGNORE_USELESS_CAST_BEGIN
            *yyesp = YY_CAST (yy_state_t, yystate);
            YY_IGNORE_USELESS_CAST_END
          }
        else
          {
            if (yy_lac_stack_realloc (yyes_capacity, 1,
#if YYDEBUG
                                      " (", ")",
#endif
                                      yyes, yyesa, &yyesp, yyes_prev))
              {
                YYDPRINTF ((stderr, "\n"));
                return YYENOMEM;
              }
            YY_IGNORE_USELESS_CAST_BEGIN
            *++yyesp = YY_CAST (yy_state_t, yystate);
            YY_IGNORE_USELESS_CAST_END
          }
        YYDPRINTF ((stderr, " G%d", yystate));
      }
    }
}

/* Context of a parse error.  */
typedef struct
{
  yy_state_t *yyssp;
  yy_state_t *yyesa;
  yy_state_t **yyes;
  YYPTRDIFF_T *yyes_capacity;
  yysymbol_kind_t yytoken;
  YYLTYPE *yylloc;
} yypcontext_t;

/* Put in YYARG at most YYARGN of the expected tokens given the
   current YYCTX, and return the number of tokens stored in YYARG.  If
   YYARG is null, return the number of expected tokens (guaranteed to
   be less than YYNTOKENS).  Return YYENOMEM on memory exhaustion.
   Return 0 if there are more than YYARGN expected tokens, yet fill
   YYARG up to YYARGN. */
static int
yypcontext_expected_tokens (const yypcontext_t *yyctx,
                            yysymbol_kind_t yyarg[], int yyargn)
{
  /* Actual size of YYARG. */
  int yycount = 0;

  int yyx;
  for (yyx = 0; yyx < YYNTOKENS; ++yyx)
    {
      yysymbol_kind_t yysym = YY_CAST (yysymbol_kind_t, yyx);
      if (yysym != YYSYMBOL_YYerror && yysym != YYSYMBOL_YYUNDEF)
        switch (yy_lac (yyctx->yyesa, yyctx->yyes, yyctx->yyes_capacity, yyctx->yyssp, yysym))
          {
          case YYENOMEM:
            return YYENOMEM;
          case 1:
            continue;
          default:
            if (!yyarg)
              ++yycount;
            else if (yycount == yyargn)
              return 0;
            else
              yyarg[yycount++] = yysym;
          }
    }
  if (yyarg && yycount == 0 && 0 < yyargn)
    yyarg[0] = YYSYMBOL_YYEMPTY;
  return yycount;
}




/* The kind of the lookahead of this context.  */
static yysymbol_kind_t
yypcontext_token (const yypcontext_t *yyctx) YY_ATTRIBUTE_UNUSED;

static yysymbol_kind_t
yypcontext_token (const yypcontext_t *yyctx)
{
  return yyctx->yytoken;
}

/* The location of the lookahead of this context.  */
static YYLTYPE *
yypcontext_location (const yypcontext_t *yyctx) YY_ATTRIBUTE_UNUSED;

static YYLTYPE *
yypcontext_location (const yypcontext_t *yyctx)
{
  return yyctx->yylloc;
}

/* User defined function to report a syntax error.  */
static int
yyreport_syntax_error (const yypcontext_t *yyctx, yyscan_t scanner);

/*-----------------------------------------------.
| Release the memory associated to this symbol.  |
`-----------------------------------------------*/

static void
yydestruct (const char *yymsg,
            yysymbol_kind_t yykind, YYSTYPE *yyvaluep, YYLTYPE *yylocationp, yyscan_t scanner)
{
  YY_USE (yyvaluep);
  YY_USE (yylocationp);
  YY_USE (scanner);
  if (!yymsg)
    yymsg = "Deleting";
  YY_SYMBOL_PRINT (yymsg, yykind, yyvaluep, yylocationp);

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  YY_USE (yykind);
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}






/*----------.
| yyparse.  |
`----------*/

int
yyparse (yyscan_t scanner)
{
/* Lookahead token kind.  */
int yychar;


/* The semantic value of the lookahead symbol.  */
/* Default value used for initialization, for pacifying older GCCs
   or non-GCC compilers.  */
YY_INITIAL_VALUE (static YYSTYPE yyval_default;)
YYSTYPE yylval YY_INITIAL_VALUE (= yyval_default);

/* Location data for the lookahead symbol.  */
static YYLTYPE yyloc_default
# if defined YYLTYPE_IS_TRIVIAL && YYLTYPE_IS_TRIVIAL
  = { 1, 1, 1, 1 }
# endif
;
YYLTYPE yylloc = yyloc_default;

    /* Number of syntax errors so far.  */
    int yynerrs = 0;

    yy_state_fast_t yystate = 0;
    /* Number of tokens to shift before error messages enabled.  */
    int yyerrstatus = 0;

    /* Refer to the stacks through separate pointers, to allow yyoverflow
       to reallocate them elsewhere.  */

    /* Their size.  */
    YYPTRDIFF_T yystacksize = YYINITDEPTH;

    /* The state stack: array, bottom, top.  */
    yy_state_t yyssa[YYINITDEPTH];
    yy_state_t *yyss = yyssa;
    yy_state_t *yyssp = yyss;

    /* The semantic value stack: array, bottom, top.  */
    YYSTYPE yyvsa[YYINITDEPTH];
    YYSTYPE *yyvs = yyvsa;
    YYSTYPE *yyvsp = yyvs;

    /* The location stack: array, bottom, top.  */
    YYLTYPE yylsa[YYINITDEPTH];
    YYLTYPE *yyls = yylsa;
    YYLTYPE *yylsp = yyls;

    yy_state_t yyesa[20];
    yy_state_t *yyes = yyesa;
    YYPTRDIFF_T yyes_capacity = 20 < YYMAXDEPTH ? 20 : YYMAXDEPTH;

  /* Whether LAC context is established.  A Boolean.  */
  int yy_lac_established = 0;
  int yyn;
  /* The return value of yyparse.  */
  int yyresult;
  /* Lookahead symbol kind.  */
  yysymbol_kind_t yytoken = YYSYMBOL_YYEMPTY;
  /* The variables used to return semantic value and location from the
     action routines.  */
  YYSTYPE yyval;
  YYLTYPE yyloc;

  /* The locations where the error started and ended.  */
  YYLTYPE yyerror_range[3];



#define YYPOPSTACK(N)   (yyvsp -= (N), yyssp -= (N), yylsp -= (N))

  /* The number of symbols on the RHS of the reduced rule.
     Keep to zero when no symbol should be popped.  */
  int yylen = 0;

  YYDPRINTF ((stderr, "Starting parse\n"));

  yychar = YYEMPTY; /* Cause a token to be read.  */


/* User initialization code.  */
#line 27 "compiler/parser.y"
{
    yylloc.first_line = yylloc.last_line = 1;
    yylloc.first_column = yylloc.last_column = 1;
}

#line 1456 "build-asan/gen/parser.c"

  yylsp[0] = yylloc;
  goto yysetstate;


/*------------------------------------------------------------.
| yynewstate -- push a new state, which is found in yystate.  |
`------------------------------------------------------------*/
yynewstate:
  /* In all cases, when you get here, the value and location stacks
     have just been pushed.  So pushing a state here evens the stacks.  */
  yyssp++;


/*--------------------------------------------------------------------.
| yysetstate -- set current state (the top of the stack) to yystate.  |
`--------------------------------------------------------------------*/
yysetstate:
  YYDPRINTF ((stderr, "Entering state %d\n", yystate));
  YY_ASSERT (0 <= yystate && yystate < YYNSTATES);
  YY_IGNORE_USELESS_CAST_BEGIN
  *yyssp = YY_CAST (yy_state_t, yystate);
  YY_IGNORE_USELESS_CAST_END
  YY_STACK_PRINT (yyss, yyssp);

  if (yyss + yystacksize - 1 <= yyssp)
#if !defined yyoverflow && !defined YYSTACK_RELOCATE
    YYNOMEM;
#else
    {
      /* Get the current used size of the three stacks, in elements.  */
      YYPTRDIFF_T yysize = yyssp - yyss + 1;

# if defined yyoverflow
      {
        /* Give user a chance to reallocate the stack.  Use copies of
           these so that the &'s don't force the real ones into
           memory.  */
        yy_state_t *yyss1 = yyss;
        YYSTYPE *yyvs1 = yyvs;
        YYLTYPE *yyls1 = yyls;

        /* Each stack pointer address is followed by the size of the
           data in use in that stack, in bytes.  This used to be a
           conditional around just the two extra args, but that might
           be undefined if yyoverflow is a macro.  */
        yyoverflow (YY_("memory exhausted"),
                    &yyss1, yysize * YYSIZEOF (*yyssp),
                    &yyvs1, yysize * YYSIZEOF (*yyvsp),
                    &yyls1, yysize * YYSIZEOF (*yylsp),
                    &yystacksize);
        yyss = yyss1;
        yyvs = yyvs1;
        yyls = yyls1;
      }
# else /* defined YYSTACK_RELOCATE */
      /* Extend the stack our own way.  */
      if (YYMAXDEPTH <= yystacksize)
        YYNOMEM;
      yystacksize *= 2;
      if (YYMAXDEPTH < yystacksize)
        yystacksize = YYMAXDEPTH;

      {
        yy_state_t *yyss1 = yyss;
        union yyalloc *yyptr =
          YY_CAST (union yyalloc *,
                   YYSTACK_ALLOC (YY_CAST (YYSIZE_T, YYSTACK_BYTES (yystacksize))));
        if (! yyptr)
          YYNOMEM;
        YYSTACK_RELOCATE (yyss_alloc, yyss);
        YYSTACK_RELOCATE (yyvs_alloc, yyvs);
        YYSTACK_RELOCATE (yyls_alloc, yyls);
#  undef YYSTACK_RELOCATE
        if (yyss1 != yyssa)
          YYSTACK_FREE (yyss1);
      }
# endif

      yyssp = yyss + yysize - 1;
      yyvsp = yyvs + yysize - 1;
      yylsp = yyls + yysize - 1;

      YY_IGNORE_USELESS_CAST_BEGIN
      YYDPRINTF ((stderr, "Stack size increased to %ld\n",
                  YY_CAST (long, yystacksize)));
      YY_IGNORE_USELESS_CAST_END

      if (yyss + yystacksize - 1 <= yyssp)
        YYABORT;
    }
#endif /* !defined yyoverflow && !defined YYSTACK_RELOCATE */


  if (yystate == YYFINAL)
    YYACCEPT;

  goto yybackup;


/*-----------.
| yybackup.  |
`-----------*/
yybackup:
  /* Do appropriate processing given the current state.  Read a
     lookahead token if we need one and don't already have one.  */

  /* First try to decide what to do without reference to lookahead token.  */
  yyn = yypact[yystate];
  if (yypact_value_is_default (yyn))
    goto yydefault;

  /* Not known => get a lookahead token if don't already have one.  */

  /* YYCHAR is either empty, or end-of-input, or a valid lookahead.  */
  if (yychar == YYEMPTY)
    {
      YYDPRINTF ((stderr, "Reading a token\n"));
      yychar = yylex (&yylval, &yylloc, scanner);
    }

  if (yychar <= YYEOF)
    {
      yychar = YYEOF;
      yytoken = YYSYMBOL_YYEOF;
      YYDPRINTF ((stderr, "Now at end of input.\n"));
    }
  else if (yychar == YYerror)
    {
      /* The scanner already issued an error message, process directly
         to error recovery.  But do not keep the error token as
         lookahead, it is too special and may lead us to an endless
         loop in error recovery. */
      yychar = YYUNDEF;
      yytoken = YYSYMBOL_YYerror;
      yyerror_range[1] = yylloc;
      goto yyerrlab1;
    }
  else
    {
      yytoken = YYTRANSLATE (yychar);
      YY_SYMBOL_PRINT ("Next token is", yytoken, &yylval, &yylloc);
    }

  /* If the proper action on seeing token YYTOKEN is to reduce or to
     detect an error, take that action.  */
  yyn += yytoken;
  if (yyn < 0 || YYLAST < yyn || yycheck[yyn] != yytoken)
    {
      YY_LAC_ESTABLISH;
      goto yydefault;
    }
  yyn = yytable[yyn];
  if (yyn <= 0)
    {
      if (yytable_value_is_error (yyn))
        goto yyerrlab;
      yyn = -yyn;
      YY_LAC_ESTABLISH;
      goto yyreduce;
    }

  /* Count tokens shifted since error; after three, turn off error
     status.  */
  if (yyerrstatus)
    yyerrstatus--;

  /* Shift the lookahead token.  */
  YY_SYMBOL_PRINT ("Shifting", yytoken, &yylval, &yylloc);
  yystate = yyn;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END
  *++yylsp = yylloc;

  /* Discard the shifted token.  */
  yychar = YYEMPTY;
  YY_LAC_DISCARD ("shift");
  goto yynewstate;


/*-----------------------------------------------------------.
| yydefault -- do the default action for the current state.  |
`-----------------------------------------------------------*/
yydefault:
  yyn = yydefact[yystate];
  if (yyn == 0)
    goto yyerrlab;
  goto yyreduce;


/*-----------------------------.
| yyreduce -- do a reduction.  |
`-----------------------------*/
yyreduce:
  /* yyn is the number of a rule to reduce with.  */
  yylen = yyr2[yyn];

  /* If YYLEN is nonzero, implement the default value of the action:
     '$$ = $1'.

     Otherwise, the following line sets YYVAL to garbage.
     This behavior is undocumented and Bison
     users should not rely upon it.  Assigning to YYVAL
     unconditionally makes the parser a bit smaller, and it avoids a
     GCC warning that YYVAL may be used uninitialized.  */
  yyval = yyvsp[1-yylen];

  /* Default location. */
  YYLLOC_DEFAULT (yyloc, (yylsp - yylen), yylen);
  yyerror_range[1] = yyloc;
  YY_REDUCE_PRINT (yyn);
  {
    int yychar_backup = yychar;
    switch (yyn)
      {
  case 2: /* program: %empty  */
#line 93 "compiler/parser.y"
                                { }
#line 1676 "build-asan/gen/parser.c"
    break;

  case 3: /* program: program block  */
#line 94 "compiler/parser.y"
                                { PList l = {CTX->prog->nblocks, CTX->prog->nblocks, (void **)CTX->prog->blocks};
                                  plist_push(A, &l, (yyvsp[0].block));
                                  CTX->prog->blocks = (Block **)l.items; CTX->prog->nblocks = l.n; }
#line 1684 "build-asan/gen/parser.c"
    break;

  case 4: /* program: program error '}'  */
#line 97 "compiler/parser.y"
                                { }
#line 1690 "build-asan/gen/parser.c"
    break;

  case 5: /* block: "model" "identifier" '{' model_stmts '}'  */
#line 101 "compiler/parser.y"
                                        { (yyval.block) = mk_block(CTX, BLK_MODEL, (yyvsp[-3].str), (yylsp[-3]), (yyvsp[-1].list), (yyloc)); }
#line 1696 "build-asan/gen/parser.c"
    break;

  case 6: /* block: "train" "identifier" '{' entries '}'  */
#line 102 "compiler/parser.y"
                                        { (yyval.block) = mk_block(CTX, BLK_TRAIN, (yyvsp[-3].str), (yylsp[-3]), (yyvsp[-1].list), (yyloc)); }
#line 1702 "build-asan/gen/parser.c"
    break;

  case 7: /* block: "sample" "identifier" '{' entries '}'  */
#line 103 "compiler/parser.y"
                                        { (yyval.block) = mk_block(CTX, BLK_SAMPLE, (yyvsp[-3].str), (yylsp[-3]), (yyvsp[-1].list), (yyloc)); }
#line 1708 "build-asan/gen/parser.c"
    break;

  case 8: /* block: "eval" "identifier" '{' entries '}'  */
#line 104 "compiler/parser.y"
                                        { (yyval.block) = mk_block(CTX, BLK_EVAL, (yyvsp[-3].str), (yylsp[-3]), (yyvsp[-1].list), (yyloc)); }
#line 1714 "build-asan/gen/parser.c"
    break;

  case 9: /* model_stmts: %empty  */
#line 108 "compiler/parser.y"
                                { (yyval.list) = plist_new(A); }
#line 1720 "build-asan/gen/parser.c"
    break;

  case 10: /* model_stmts: model_stmts model_stmt  */
#line 109 "compiler/parser.y"
                                { (yyval.list) = plist_push(A, (yyvsp[-1].list), (yyvsp[0].stmt)); }
#line 1726 "build-asan/gen/parser.c"
    break;

  case 11: /* model_stmts: model_stmts error  */
#line 110 "compiler/parser.y"
                                { (yyval.list) = (yyvsp[-1].list); }
#line 1732 "build-asan/gen/parser.c"
    break;

  case 12: /* model_stmt: role "identifier" dims_opt ':' unit_type attrs_opt  */
#line 114 "compiler/parser.y"
                                                  {
          (yyval.stmt) = mk_stmt(CTX, ST_UNIT, (yyloc)); (yyval.stmt)->role = (Role)(yyvsp[-5].role); (yyval.stmt)->name = (yyvsp[-4].str); (yyval.stmt)->name_span = (yylsp[-4]);
          (yyval.stmt)->ndims = (yyvsp[-3].list)->n; (yyval.stmt)->dims = (Expr **)(yyvsp[-3].list)->items; (yyval.stmt)->type = (yyvsp[-1].expr);
          (yyval.stmt)->nentries = (yyvsp[0].list)->n; (yyval.stmt)->entries = (Stmt **)(yyvsp[0].list)->items; }
#line 1741 "build-asan/gen/parser.c"
    break;

  case 13: /* model_stmt: "param" "identifier" dims_opt init_opt attrs_opt  */
#line 118 "compiler/parser.y"
                                              {
          (yyval.stmt) = mk_stmt(CTX, ST_PARAM, (yyloc)); (yyval.stmt)->name = (yyvsp[-3].str); (yyval.stmt)->name_span = (yylsp[-3]);
          (yyval.stmt)->ndims = (yyvsp[-2].list)->n; (yyval.stmt)->dims = (Expr **)(yyvsp[-2].list)->items; (yyval.stmt)->expr = (yyvsp[-1].expr);
          (yyval.stmt)->nentries = (yyvsp[0].list)->n; (yyval.stmt)->entries = (Stmt **)(yyvsp[0].list)->items; }
#line 1750 "build-asan/gen/parser.c"
    break;

  case 14: /* model_stmt: "let" "name before '='" '=' expr  */
#line 122 "compiler/parser.y"
                       {
          (yyval.stmt) = mk_stmt(CTX, ST_LET, (yyloc)); (yyval.stmt)->name = (yyvsp[-2].str); (yyval.stmt)->name_span = (yylsp[-2]); (yyval.stmt)->expr = (yyvsp[0].expr); }
#line 1757 "build-asan/gen/parser.c"
    break;

  case 15: /* model_stmt: "let" "identifier" '[' vars ']' '=' expr  */
#line 124 "compiler/parser.y"
                                      {
          (yyval.stmt) = mk_stmt(CTX, ST_LET, (yyloc)); (yyval.stmt)->name = (yyvsp[-5].str); (yyval.stmt)->name_span = (yylsp[-5]); (yyval.stmt)->expr = (yyvsp[0].expr);
          set_vars(CTX, (yyvsp[-3].list), &(yyval.stmt)->nvars, &(yyval.stmt)->vars, &(yyval.stmt)->var_spans); }
#line 1765 "build-asan/gen/parser.c"
    break;

  case 16: /* model_stmt: "energy" '=' expr  */
#line 127 "compiler/parser.y"
                      {
          (yyval.stmt) = mk_stmt(CTX, ST_ENERGY, (yyloc)); (yyval.stmt)->expr = (yyvsp[0].expr); }
#line 1772 "build-asan/gen/parser.c"
    break;

  case 17: /* model_stmt: ref '~' call  */
#line 129 "compiler/parser.y"
                   {
          (yyval.stmt) = mk_stmt(CTX, ST_TILDE, (yyloc)); (yyval.stmt)->expr = (yyvsp[-2].expr); (yyval.stmt)->dist = (yyvsp[0].expr); }
#line 1779 "build-asan/gen/parser.c"
    break;

  case 18: /* role: "visible"  */
#line 134 "compiler/parser.y"
                                { (yyval.role) = ROLE_VISIBLE; }
#line 1785 "build-asan/gen/parser.c"
    break;

  case 19: /* role: "hidden"  */
#line 135 "compiler/parser.y"
                                { (yyval.role) = ROLE_HIDDEN; }
#line 1791 "build-asan/gen/parser.c"
    break;

  case 20: /* role: "input"  */
#line 136 "compiler/parser.y"
                                { (yyval.role) = ROLE_INPUT; }
#line 1797 "build-asan/gen/parser.c"
    break;

  case 21: /* dims_opt: %empty  */
#line 140 "compiler/parser.y"
                                { (yyval.list) = plist_new(A); }
#line 1803 "build-asan/gen/parser.c"
    break;

  case 22: /* dims_opt: '[' exprs ']'  */
#line 141 "compiler/parser.y"
                                { (yyval.list) = (yyvsp[-1].list); }
#line 1809 "build-asan/gen/parser.c"
    break;

  case 23: /* unit_type: "identifier"  */
#line 145 "compiler/parser.y"
                                { (yyval.expr) = mk_expr(CTX, EX_NAME, (yyloc)); (yyval.expr)->str = (yyvsp[0].str); }
#line 1815 "build-asan/gen/parser.c"
    break;

  case 24: /* unit_type: call  */
#line 146 "compiler/parser.y"
                                { (yyval.expr) = (yyvsp[0].expr); }
#line 1821 "build-asan/gen/parser.c"
    break;

  case 25: /* init_opt: %empty  */
#line 150 "compiler/parser.y"
                                { (yyval.expr) = NULL; }
#line 1827 "build-asan/gen/parser.c"
    break;

  case 26: /* init_opt: "init" expr  */
#line 151 "compiler/parser.y"
                                { (yyval.expr) = (yyvsp[0].expr); }
#line 1833 "build-asan/gen/parser.c"
    break;

  case 27: /* attrs_opt: %empty  */
#line 155 "compiler/parser.y"
                                { (yyval.list) = plist_new(A); }
#line 1839 "build-asan/gen/parser.c"
    break;

  case 28: /* attrs_opt: '{' entries '}'  */
#line 156 "compiler/parser.y"
                                { (yyval.list) = (yyvsp[-1].list); }
#line 1845 "build-asan/gen/parser.c"
    break;

  case 29: /* vars: "identifier"  */
#line 160 "compiler/parser.y"
                                { Expr *v = mk_expr(CTX, EX_NAME, (yylsp[0])); v->str = (yyvsp[0].str); (yyval.list) = plist_push(A, plist_new(A), v); }
#line 1851 "build-asan/gen/parser.c"
    break;

  case 30: /* vars: vars ',' "identifier"  */
#line 161 "compiler/parser.y"
                                { Expr *v = mk_expr(CTX, EX_NAME, (yylsp[0])); v->str = (yyvsp[0].str); (yyval.list) = plist_push(A, (yyvsp[-2].list), v); }
#line 1857 "build-asan/gen/parser.c"
    break;

  case 31: /* entries: %empty  */
#line 165 "compiler/parser.y"
                                { (yyval.list) = plist_new(A); }
#line 1863 "build-asan/gen/parser.c"
    break;

  case 32: /* entries: entries entry  */
#line 166 "compiler/parser.y"
                                { (yyval.list) = plist_push(A, (yyvsp[-1].list), (yyvsp[0].stmt)); }
#line 1869 "build-asan/gen/parser.c"
    break;

  case 33: /* entries: entries "','" entry  */
#line 167 "compiler/parser.y"
                                { (yyval.list) = plist_push(A, (yyvsp[-2].list), (yyvsp[0].stmt)); }
#line 1875 "build-asan/gen/parser.c"
    break;

  case 34: /* entries: entries error  */
#line 168 "compiler/parser.y"
                                { (yyval.list) = (yyvsp[-1].list); }
#line 1881 "build-asan/gen/parser.c"
    break;

  case 35: /* entry: "name before '='" '=' items every_opt  */
#line 172 "compiler/parser.y"
                              {
          (yyval.stmt) = mk_stmt(CTX, ST_ENTRY, (yyloc)); (yyval.stmt)->name = (yyvsp[-3].str); (yyval.stmt)->name_span = (yylsp[-3]);
          Expr *v = (yyvsp[-1].list)->n == 1 ? (yyvsp[-1].list)->items[0] : NULL;
          if (!v) { v = mk_expr(CTX, EX_LIST, (yylsp[-1])); set_args(CTX, v, (yyvsp[-1].list)); }
          if ((yyvsp[0].expr)) { Expr *e = mk_expr(CTX, EX_EVERY, (yyloc)); e->lhs = v; e->rhs = (yyvsp[0].expr); v = e; }
          (yyval.stmt)->expr = v; }
#line 1892 "build-asan/gen/parser.c"
    break;

  case 36: /* entry: calls every_opt  */
#line 178 "compiler/parser.y"
                      {
          (yyval.stmt) = mk_stmt(CTX, ST_ENTRY, (yyloc));
          Expr *v = (yyvsp[-1].list)->n == 1 ? (yyvsp[-1].list)->items[0] : NULL;
          if (!v) { v = mk_expr(CTX, EX_LIST, (yylsp[-1])); set_args(CTX, v, (yyvsp[-1].list)); }
          if ((yyvsp[0].expr)) { Expr *e = mk_expr(CTX, EX_EVERY, (yyloc)); e->lhs = v; e->rhs = (yyvsp[0].expr); v = e; }
          (yyval.stmt)->expr = v; }
#line 1903 "build-asan/gen/parser.c"
    break;

  case 37: /* entry: "stage" "identifier" '{' entries '}'  */
#line 184 "compiler/parser.y"
                                  {
          (yyval.stmt) = mk_stmt(CTX, ST_STAGE, (yyloc)); (yyval.stmt)->name = (yyvsp[-3].str); (yyval.stmt)->name_span = (yylsp[-3]);
          (yyval.stmt)->nentries = (yyvsp[-1].list)->n; (yyval.stmt)->entries = (Stmt **)(yyvsp[-1].list)->items; }
#line 1911 "build-asan/gen/parser.c"
    break;

  case 38: /* every_opt: %empty  */
#line 190 "compiler/parser.y"
                                { (yyval.expr) = NULL; }
#line 1917 "build-asan/gen/parser.c"
    break;

  case 39: /* every_opt: "every" expr  */
#line 191 "compiler/parser.y"
                                { (yyval.expr) = (yyvsp[0].expr); }
#line 1923 "build-asan/gen/parser.c"
    break;

  case 40: /* items: item  */
#line 195 "compiler/parser.y"
                                { (yyval.list) = plist_push(A, plist_new(A), (yyvsp[0].expr)); }
#line 1929 "build-asan/gen/parser.c"
    break;

  case 41: /* items: items ',' item  */
#line 196 "compiler/parser.y"
                                { (yyval.list) = plist_push(A, (yyvsp[-2].list), (yyvsp[0].expr)); }
#line 1935 "build-asan/gen/parser.c"
    break;

  case 42: /* item: expr  */
#line 200 "compiler/parser.y"
                                { (yyval.expr) = (yyvsp[0].expr); }
#line 1941 "build-asan/gen/parser.c"
    break;

  case 43: /* item: expr "until" expr  */
#line 201 "compiler/parser.y"
                                { (yyval.expr) = mk_expr(CTX, EX_UNTIL, (yyloc)); (yyval.expr)->lhs = (yyvsp[-2].expr); (yyval.expr)->rhs = (yyvsp[0].expr); }
#line 1947 "build-asan/gen/parser.c"
    break;

  case 44: /* calls: call  */
#line 206 "compiler/parser.y"
                                { (yyval.list) = plist_push(A, plist_new(A), (yyvsp[0].expr)); }
#line 1953 "build-asan/gen/parser.c"
    break;

  case 45: /* calls: "identifier"  */
#line 207 "compiler/parser.y"
                                { Expr *e = mk_expr(CTX, EX_NAME, (yylsp[0])); e->str = (yyvsp[0].str); (yyval.list) = plist_push(A, plist_new(A), e); }
#line 1959 "build-asan/gen/parser.c"
    break;

  case 46: /* calls: calls ',' call  */
#line 208 "compiler/parser.y"
                                { (yyval.list) = plist_push(A, (yyvsp[-2].list), (yyvsp[0].expr)); }
#line 1965 "build-asan/gen/parser.c"
    break;

  case 47: /* calls: calls ',' "identifier"  */
#line 209 "compiler/parser.y"
                                { Expr *e = mk_expr(CTX, EX_NAME, (yylsp[0])); e->str = (yyvsp[0].str); (yyval.list) = plist_push(A, (yyvsp[-2].list), e); }
#line 1971 "build-asan/gen/parser.c"
    break;

  case 48: /* call: "identifier" '(' ')'  */
#line 213 "compiler/parser.y"
                                { (yyval.expr) = mk_expr(CTX, EX_CALL, (yyloc)); (yyval.expr)->str = (yyvsp[-2].str); }
#line 1977 "build-asan/gen/parser.c"
    break;

  case 49: /* call: "identifier" '(' args ')'  */
#line 214 "compiler/parser.y"
                                { (yyval.expr) = mk_expr(CTX, EX_CALL, (yyloc)); (yyval.expr)->str = (yyvsp[-3].str); set_args(CTX, (yyval.expr), (yyvsp[-1].list)); }
#line 1983 "build-asan/gen/parser.c"
    break;

  case 50: /* args: arg  */
#line 218 "compiler/parser.y"
                                { (yyval.list) = plist_push(A, plist_new(A), (yyvsp[0].arg)); }
#line 1989 "build-asan/gen/parser.c"
    break;

  case 51: /* args: args ',' arg  */
#line 219 "compiler/parser.y"
                                { (yyval.list) = plist_push(A, (yyvsp[-2].list), (yyvsp[0].arg)); }
#line 1995 "build-asan/gen/parser.c"
    break;

  case 52: /* args: args "','" arg  */
#line 220 "compiler/parser.y"
                                { (yyval.list) = plist_push(A, (yyvsp[-2].list), (yyvsp[0].arg)); }
#line 2001 "build-asan/gen/parser.c"
    break;

  case 53: /* arg: expr  */
#line 224 "compiler/parser.y"
                                { (yyval.arg) = ARENA_NEW(A, Arg); (yyval.arg)->value = (yyvsp[0].expr); }
#line 2007 "build-asan/gen/parser.c"
    break;

  case 54: /* arg: "name before '='" '=' expr  */
#line 225 "compiler/parser.y"
                                { (yyval.arg) = ARENA_NEW(A, Arg); (yyval.arg)->name = (yyvsp[-2].str); (yyval.arg)->name_span = (yylsp[-2]); (yyval.arg)->value = (yyvsp[0].expr); }
#line 2013 "build-asan/gen/parser.c"
    break;

  case 55: /* exprs: expr  */
#line 229 "compiler/parser.y"
                                { (yyval.list) = plist_push(A, plist_new(A), (yyvsp[0].expr)); }
#line 2019 "build-asan/gen/parser.c"
    break;

  case 56: /* exprs: exprs ',' expr  */
#line 230 "compiler/parser.y"
                                { (yyval.list) = plist_push(A, (yyvsp[-2].list), (yyvsp[0].expr)); }
#line 2025 "build-asan/gen/parser.c"
    break;

  case 57: /* expr: expr '+' expr  */
#line 234 "compiler/parser.y"
                                { (yyval.expr) = mk_bin(CTX, '+', (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2031 "build-asan/gen/parser.c"
    break;

  case 58: /* expr: expr '-' expr  */
#line 235 "compiler/parser.y"
                                { (yyval.expr) = mk_bin(CTX, '-', (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2037 "build-asan/gen/parser.c"
    break;

  case 59: /* expr: expr '*' expr  */
#line 236 "compiler/parser.y"
                                { (yyval.expr) = mk_bin(CTX, '*', (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2043 "build-asan/gen/parser.c"
    break;

  case 60: /* expr: expr '/' expr  */
#line 237 "compiler/parser.y"
                                { (yyval.expr) = mk_bin(CTX, '/', (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2049 "build-asan/gen/parser.c"
    break;

  case 61: /* expr: expr '^' expr  */
#line 238 "compiler/parser.y"
                                { (yyval.expr) = mk_bin(CTX, '^', (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2055 "build-asan/gen/parser.c"
    break;

  case 62: /* expr: '-' expr  */
#line 239 "compiler/parser.y"
                                { (yyval.expr) = mk_expr(CTX, EX_NEG, (yyloc)); (yyval.expr)->lhs = (yyvsp[0].expr); }
#line 2061 "build-asan/gen/parser.c"
    break;

  case 63: /* expr: "sum" '(' vars ')' expr  */
#line 240 "compiler/parser.y"
                                          {
          (yyval.expr) = mk_expr(CTX, EX_SUM, (yyloc)); (yyval.expr)->lhs = (yyvsp[0].expr);
          set_vars(CTX, (yyvsp[-2].list), &(yyval.expr)->nvars, &(yyval.expr)->vars, &(yyval.expr)->var_spans); }
#line 2069 "build-asan/gen/parser.c"
    break;

  case 64: /* expr: primary  */
#line 243 "compiler/parser.y"
                                { (yyval.expr) = (yyvsp[0].expr); }
#line 2075 "build-asan/gen/parser.c"
    break;

  case 65: /* primary: "number"  */
#line 247 "compiler/parser.y"
                                { (yyval.expr) = mk_expr(CTX, EX_NUM, (yyloc)); (yyval.expr)->num = (yyvsp[0].num); }
#line 2081 "build-asan/gen/parser.c"
    break;

  case 66: /* primary: "string"  */
#line 248 "compiler/parser.y"
                                { (yyval.expr) = mk_expr(CTX, EX_STR, (yyloc)); (yyval.expr)->str = (yyvsp[0].str); }
#line 2087 "build-asan/gen/parser.c"
    break;

  case 67: /* primary: ref  */
#line 249 "compiler/parser.y"
                                { (yyval.expr) = (yyvsp[0].expr); }
#line 2093 "build-asan/gen/parser.c"
    break;

  case 68: /* primary: call  */
#line 250 "compiler/parser.y"
                                { (yyval.expr) = (yyvsp[0].expr); }
#line 2099 "build-asan/gen/parser.c"
    break;

  case 69: /* primary: '(' expr ')'  */
#line 251 "compiler/parser.y"
                                { (yyval.expr) = (yyvsp[-1].expr); }
#line 2105 "build-asan/gen/parser.c"
    break;

  case 70: /* ref: "identifier"  */
#line 255 "compiler/parser.y"
                                { (yyval.expr) = mk_expr(CTX, EX_NAME, (yyloc)); (yyval.expr)->str = (yyvsp[0].str); }
#line 2111 "build-asan/gen/parser.c"
    break;

  case 71: /* ref: "identifier" '[' exprs ']'  */
#line 256 "compiler/parser.y"
                                { (yyval.expr) = mk_expr(CTX, EX_NAME, (yyloc)); (yyval.expr)->str = (yyvsp[-3].str); (yyval.expr)->has_index = 1;
                                  (yyval.expr)->nidx = (yyvsp[-1].list)->n; (yyval.expr)->idx = (Expr **)(yyvsp[-1].list)->items; }
#line 2118 "build-asan/gen/parser.c"
    break;


#line 2122 "build-asan/gen/parser.c"

        default: break;
      }
    if (yychar_backup != yychar)
      YY_LAC_DISCARD ("yychar change");
  }
  /* User semantic actions sometimes alter yychar, and that requires
     that yytoken be updated with the new translation.  We take the
     approach of translating immediately before every use of yytoken.
     One alternative is translating here after every semantic action,
     but that translation would be missed if the semantic action invokes
     YYABORT, YYACCEPT, or YYERROR immediately after altering yychar or
     if it invokes YYBACKUP.  In the case of YYABORT or YYACCEPT, an
     incorrect destructor might then be invoked immediately.  In the
     case of YYERROR or YYBACKUP, subsequent parser actions might lead
     to an incorrect destructor call or verbose syntax error message
     before the lookahead is translated.  */
  YY_SYMBOL_PRINT ("-> $$ =", YY_CAST (yysymbol_kind_t, yyr1[yyn]), &yyval, &yyloc);

  YYPOPSTACK (yylen);
  yylen = 0;

  *++yyvsp = yyval;
  *++yylsp = yyloc;

  /* Now 'shift' the result of the reduction.  Determine what state
     that goes to, based on the state we popped back to and the rule
     number reduced by.  */
  {
    const int yylhs = yyr1[yyn] - YYNTOKENS;
    const int yyi = yypgoto[yylhs] + *yyssp;
    yystate = (0 <= yyi && yyi <= YYLAST && yycheck[yyi] == *yyssp
               ? yytable[yyi]
               : yydefgoto[yylhs]);
  }

  goto yynewstate;


/*--------------------------------------.
| yyerrlab -- here on detecting error.  |
`--------------------------------------*/
yyerrlab:
  /* Make sure we have latest lookahead translation.  See comments at
     user semantic actions for why this is necessary.  */
  yytoken = yychar == YYEMPTY ? YYSYMBOL_YYEMPTY : YYTRANSLATE (yychar);
  /* If not already recovering from an error, report this error.  */
  if (!yyerrstatus)
    {
      ++yynerrs;
      {
        yypcontext_t yyctx
          = {yyssp, yyesa, &yyes, &yyes_capacity, yytoken, &yylloc};
        if (yychar != YYEMPTY)
          YY_LAC_ESTABLISH;
        if (yyreport_syntax_error (&yyctx, scanner) == 2)
          YYNOMEM;
      }
    }

  yyerror_range[1] = yylloc;
  if (yyerrstatus == 3)
    {
      /* If just tried and failed to reuse lookahead token after an
         error, discard it.  */

      if (yychar <= YYEOF)
        {
          /* Return failure if at end of input.  */
          if (yychar == YYEOF)
            YYABORT;
        }
      else
        {
          yydestruct ("Error: discarding",
                      yytoken, &yylval, &yylloc, scanner);
          yychar = YYEMPTY;
        }
    }

  /* Else will try to reuse lookahead token after shifting the error
     token.  */
  goto yyerrlab1;


/*---------------------------------------------------.
| yyerrorlab -- error raised explicitly by YYERROR.  |
`---------------------------------------------------*/
yyerrorlab:
  /* Pacify compilers when the user code never invokes YYERROR and the
     label yyerrorlab therefore never appears in user code.  */
  if (0)
    YYERROR;
  ++yynerrs;

  /* Do not reclaim the symbols of the rule whose action triggered
     this YYERROR.  */
  YYPOPSTACK (yylen);
  yylen = 0;
  YY_STACK_PRINT (yyss, yyssp);
  yystate = *yyssp;
  goto yyerrlab1;


/*-------------------------------------------------------------.
| yyerrlab1 -- common code for both syntax error and YYERROR.  |
`-------------------------------------------------------------*/
yyerrlab1:
  yyerrstatus = 3;      /* Each real token shifted decrements this.  */

  /* Pop stack until we find a state that shifts the error token.  */
  for (;;)
    {
      yyn = yypact[yystate];
      if (!yypact_value_is_default (yyn))
        {
          yyn += YYSYMBOL_YYerror;
          if (0 <= yyn && yyn <= YYLAST && yycheck[yyn] == YYSYMBOL_YYerror)
            {
              yyn = yytable[yyn];
              if (0 < yyn)
                break;
            }
        }

      /* Pop the current state because it cannot handle the error token.  */
      if (yyssp == yyss)
        YYABORT;

      yyerror_range[1] = *yylsp;
      yydestruct ("Error: popping",
                  YY_ACCESSING_SYMBOL (yystate), yyvsp, yylsp, scanner);
      YYPOPSTACK (1);
      yystate = *yyssp;
      YY_STACK_PRINT (yyss, yyssp);
    }

  /* If the stack popping above didn't lose the initial context for the
     current lookahead token, the shift below will for sure.  */
  YY_LAC_DISCARD ("error recovery");

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END

  yyerror_range[2] = yylloc;
  ++yylsp;
  YYLLOC_DEFAULT (*yylsp, yyerror_range, 2);

  /* Shift the error token.  */
  YY_SYMBOL_PRINT ("Shifting", YY_ACCESSING_SYMBOL (yyn), yyvsp, yylsp);

  yystate = yyn;
  goto yynewstate;


/*-------------------------------------.
| yyacceptlab -- YYACCEPT comes here.  |
`-------------------------------------*/
yyacceptlab:
  yyresult = 0;
  goto yyreturnlab;


/*-----------------------------------.
| yyabortlab -- YYABORT comes here.  |
`-----------------------------------*/
yyabortlab:
  yyresult = 1;
  goto yyreturnlab;


/*-----------------------------------------------------------.
| yyexhaustedlab -- YYNOMEM (memory exhaustion) comes here.  |
`-----------------------------------------------------------*/
yyexhaustedlab:
  yyerror (&yylloc, scanner, YY_("memory exhausted"));
  yyresult = 2;
  goto yyreturnlab;


/*----------------------------------------------------------.
| yyreturnlab -- parsing is finished, clean up and return.  |
`----------------------------------------------------------*/
yyreturnlab:
  if (yychar != YYEMPTY)
    {
      /* Make sure we have latest lookahead translation.  See comments at
         user semantic actions for why this is necessary.  */
      yytoken = YYTRANSLATE (yychar);
      yydestruct ("Cleanup: discarding lookahead",
                  yytoken, &yylval, &yylloc, scanner);
    }
  /* Do not reclaim the symbols of the rule whose action triggered
     this YYABORT or YYACCEPT.  */
  YYPOPSTACK (yylen);
  YY_STACK_PRINT (yyss, yyssp);
  while (yyssp != yyss)
    {
      yydestruct ("Cleanup: popping",
                  YY_ACCESSING_SYMBOL (+*yyssp), yyvsp, yylsp, scanner);
      YYPOPSTACK (1);
    }
#ifndef yyoverflow
  if (yyss != yyssa)
    YYSTACK_FREE (yyss);
#endif
  if (yyes != yyesa)
    YYSTACK_FREE (yyes);

  return yyresult;
}

#line 260 "compiler/parser.y"


PList *plist_new(Arena *a) { return ARENA_NEW(a, PList); }

PList *plist_push(Arena *a, PList *l, void *item) {
    void **slot = arena_grow(a, &l->items, &l->n, &l->cap, sizeof(void *));
    *slot = item;
    l->n++;
    return l;
}

static Expr *mk_expr(ParseCtx *c, ExprKind k, Span s) {
    Expr *e = ARENA_NEW(c->arena, Expr);
    e->kind = k;
    e->span = s;
    return e;
}

static Expr *mk_bin(ParseCtx *c, char op, Expr *l, Expr *r, Span s) {
    Expr *e = mk_expr(c, EX_BIN, s);
    e->op = op;
    e->lhs = l;
    e->rhs = r;
    return e;
}

static Stmt *mk_stmt(ParseCtx *c, StmtKind k, Span s) {
    Stmt *st = ARENA_NEW(c->arena, Stmt);
    st->kind = k;
    st->span = s;
    return st;
}

static void set_args(ParseCtx *c, Expr *e, PList *args) {
    e->nargs = args->n;
    e->args = ARENA_ARRAY(c->arena, Arg, args->n);
    for (int i = 0; i < args->n; i++) {
        if (e->kind == EX_LIST) e->args[i].value = args->items[i];
        else e->args[i] = *(Arg *)args->items[i];
    }
}

static void set_vars(ParseCtx *c, PList *vars, int *n, const char ***names, Span **spans) {
    *n = vars->n;
    *names = ARENA_ARRAY(c->arena, const char *, vars->n);
    *spans = ARENA_ARRAY(c->arena, Span, vars->n);
    for (int i = 0; i < vars->n; i++) {
        Expr *v = vars->items[i];
        (*names)[i] = v->str;
        (*spans)[i] = v->span;
    }
}

static Block *mk_block(ParseCtx *c, BlockKind k, const char *name, Span ns, PList *stmts, Span s) {
    Block *b = ARENA_NEW(c->arena, Block);
    b->kind = k;
    b->span = s;
    b->name = name;
    b->name_span = ns;
    b->nstmts = stmts->n;
    b->stmts = (Stmt **)stmts->items;
    return b;
}

static void yyerror(Span *loc, yyscan_t scanner, const char *msg) {
    diag_error(CTX->diag, *loc, "%s", msg);
}

/* Token names come quoted from bison ("\"identifier\"", "'='"); a person
 * reads them better as: identifier, '='. */
static const char *token_name(yysymbol_kind_t sym) {
    const char *n = yysymbol_name(sym);
    static char buf[64];
    size_t len = strlen(n);
    if (len >= 2 && n[0] == '"' && n[len - 1] == '"') {
        snprintf(buf, sizeof buf, "%.*s", (int)(len - 2), n + 1);
        return buf;
    }
    return n;
}

static int is_operator(yysymbol_kind_t s) {
    const char *n = yysymbol_name(s);
    return n[0] == '\'' && strchr("+-*/^", n[1]) && n[2] == '\'';
}

static int starts_expr(yysymbol_kind_t s) {
    return s == YYSYMBOL_NUMBER || s == YYSYMBOL_STRING || s == YYSYMBOL_IDENT ||
           s == YYSYMBOL_SUM || !strcmp(yysymbol_name(s), "'('") || !strcmp(yysymbol_name(s), "'-'");
}

/* "unexpected X, expected A or B": operators are left out of the list (they
 * are rarely what was meant) and the tokens that start an expression are
 * named as one, so the list stays short enough to read. */
static int yyreport_syntax_error(const yypcontext_t *pc, yyscan_t scanner) {
    ParseCtx *c = CTX;
    enum { MAX_EXPECTED = 32 };
    if (c->quiet) c->diag->errors++;   /* still an error, just not said twice */
    yysymbol_kind_t expected[MAX_EXPECTED];
    int nexp = yypcontext_expected_tokens(pc, expected, MAX_EXPECTED);
    yysymbol_kind_t got = yypcontext_token(pc);
    if (got == YYSYMBOL_BAD_CHAR || c->quiet) return 0;   /* the scanner reported it */
    char msg[512];
    int o = 0;
    if (got == YYSYMBOL_YYEOF)
        o += snprintf(msg + o, sizeof msg - o, "unexpected end of file");
    else if (got == YYSYMBOL_NUMBER || got == YYSYMBOL_STRING || !c->last_text)
        o += snprintf(msg + o, sizeof msg - o, "unexpected %s", token_name(got));
    else
        o += snprintf(msg + o, sizeof msg - o, "unexpected '%s'", c->last_text);
    const char *names[MAX_EXPECTED];
    int nnames = 0, want_expr = 0;
    for (int i = 0; i < nexp; i++)
        if (expected[i] == YYSYMBOL_NUMBER) want_expr = 1;
    for (int i = 0; i < nexp; i++) {
        if (want_expr && starts_expr(expected[i])) continue;
        if (is_operator(expected[i])) continue;
        names[nnames++] = yysymbol_name(expected[i]);
    }
    if (want_expr) names[nnames++] = "an expression";
    if (nnames > 0 && nnames <= 5) {
        o += snprintf(msg + o, sizeof msg - o, ", expected ");
        for (int i = 0; i < nnames && o < (int)sizeof msg - 40; i++) {
            const char *n = names[i];
            size_t len = strlen(n);
            int quoted = len >= 2 && n[0] == '"';
            o += snprintf(msg + o, sizeof msg - o, "%s%.*s",
                          i == 0 ? "" : i == nnames - 1 ? " or " : ", ",
                          quoted ? (int)len - 2 : (int)len, quoted ? n + 1 : n);
        }
    }
    diag_error(c->diag, *yypcontext_location(pc), "%s", msg);
    int top = c->nopen - 1;
    if (top >= 0 && top < (int)(sizeof c->open / sizeof c->open[0])) {
        char want = c->open[top].ch == '{' ? '}' : c->open[top].ch == '(' ? ')' : ']';
        int expects_closer = 0;
        for (int i = 0; i < nexp; i++)
            if (yysymbol_name(expected[i])[1] == want) expects_closer = 1;
        if (got == YYSYMBOL_YYEOF || expects_closer)
            diag_note(c->diag, c->open[top].span, "to close this '%c' (expected '%c')", c->open[top].ch, want);
    }
    return 0;
}

Program *parse_source(Arena *a, Diag *d, const char *file, const char *src, size_t len) {
    ParseCtx ctx = {0};
    ctx.arena = a;
    ctx.diag = d;
    ctx.src = src;
    ctx.len = len;
    ctx.line = 1;
    ctx.col = 1;
    ctx.prog = ARENA_NEW(a, Program);
    ctx.prog->file = file;
    yyscan_t scanner;
    yylex_init_extra(&ctx, &scanner);
    YY_BUFFER_STATE buf = yy_scan_bytes(src, (int)len, scanner);
    yyparse(scanner);
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    return ctx.prog;
}
