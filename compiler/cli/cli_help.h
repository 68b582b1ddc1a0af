/* cli_help.h — 'ebmc help TOPIC': short pages with examples, written in
 * compiler/help/TOPIC.txt and compiled into the binary. */
#ifndef EBMC_CLI_HELP_H
#define EBMC_CLI_HELP_H

typedef struct HelpPage {
    const char *name, *text;
} HelpPage;

extern const HelpPage help_pages[];   /* ends with {0, 0} */

/* the page of topic, or NULL */
const char *cli_help_page(const char *topic);
/* the topics, comma-separated, for usage lines */
const char *cli_help_topics(void);
#endif
