/* cli_help.c — the help pages compiled into ebmc (compiler/help/TOPIC.txt). */
#include "cli_help.h"

#include <stdio.h>
#include <string.h>

const char *cli_help_page(const char *topic) {
    for (int i = 0; help_pages[i].name; i++)
        if (!strcmp(help_pages[i].name, topic)) return help_pages[i].text;
    return NULL;
}

const char *cli_help_topics(void) {
    static char buf[256];
    if (!buf[0]) {
        static const char *const order[] = {"units", "energy", "train", "sample", "eval", "build"};
        size_t o = 0;
        for (int k = 0; k < 6; k++)
            if (cli_help_page(order[k])) o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", o ? ", " : "", order[k]);
        for (int i = 0; help_pages[i].name && o < sizeof buf; i++) {
            int known = 0;
            for (int k = 0; k < 6; k++) known |= !strcmp(order[k], help_pages[i].name);
            if (!known) o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", o ? ", " : "", help_pages[i].name);
        }
    }
    return buf;
}
