/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison interface for Yacc-like parsers in C

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

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

#ifndef YY_YY_BUILD_ASAN_GEN_PARSER_H_INCLUDED
# define YY_YY_BUILD_ASAN_GEN_PARSER_H_INCLUDED
/* Debug traces.  */
#ifndef YYDEBUG
# define YYDEBUG 0
#endif
#if YYDEBUG
extern int yydebug;
#endif
/* "%code requires" blocks.  */
#line 32 "compiler/parser.y"

#include "parse_ctx.h"
typedef void *yyscan_t;

#line 54 "build-asan/gen/parser.h"

/* Token kinds.  */
#ifndef YYTOKENTYPE
# define YYTOKENTYPE
  enum yytokentype
  {
    YYEMPTY = -2,
    YYEOF = 0,                     /* "end of file"  */
    YYerror = 256,                 /* error  */
    YYUNDEF = 257,                 /* "invalid token"  */
    IDENT = 258,                   /* "identifier"  */
    KEY = 259,                     /* "name before '='"  */
    STRING = 260,                  /* "string"  */
    NUMBER = 261,                  /* "number"  */
    MODEL = 262,                   /* "model"  */
    TRAIN = 263,                   /* "train"  */
    SAMPLE = 264,                  /* "sample"  */
    EVAL = 265,                    /* "eval"  */
    VISIBLE = 266,                 /* "visible"  */
    HIDDEN = 267,                  /* "hidden"  */
    INPUT = 268,                   /* "input"  */
    PARAM = 269,                   /* "param"  */
    LET = 270,                     /* "let"  */
    ENERGY = 271,                  /* "energy"  */
    INIT = 272,                    /* "init"  */
    SUM = 273,                     /* "sum"  */
    UNTIL = 274,                   /* "until"  */
    EVERY = 275,                   /* "every"  */
    STAGE = 276,                   /* "stage"  */
    ENTRY_SEP = 277,               /* "','"  */
    BAD_CHAR = 278,                /* "bad character"  */
    SUMBODY = 279,                 /* SUMBODY  */
    UMINUS = 280                   /* UMINUS  */
  };
  typedef enum yytokentype yytoken_kind_t;
#endif

/* Value type.  */
#if ! defined YYSTYPE && ! defined YYSTYPE_IS_DECLARED
union YYSTYPE
{
#line 57 "compiler/parser.y"

    double num;
    const char *str;
    Expr *expr;
    Stmt *stmt;
    Block *block;
    PList *list;
    Arg *arg;
    int role;

#line 107 "build-asan/gen/parser.h"

};
typedef union YYSTYPE YYSTYPE;
# define YYSTYPE_IS_TRIVIAL 1
# define YYSTYPE_IS_DECLARED 1
#endif

/* Location type.  */
typedef Span YYLTYPE;




int yyparse (yyscan_t scanner);

/* "%code provides" blocks.  */
#line 37 "compiler/parser.y"

int yylex(YYSTYPE *lval, Span *lloc, yyscan_t scanner);

#line 128 "build-asan/gen/parser.h"

#endif /* !YY_YY_BUILD_ASAN_GEN_PARSER_H_INCLUDED  */
