" ebm.vim — .ebm files are ebmc model specs
au BufRead,BufNewFile *.ebm setfiletype ebm
