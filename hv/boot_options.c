/* Boot option parsing. Unknown options are reported, never ignored
 * silently: a typo in a GRUB entry should be visible in the log. */
#include "hv/boot_options.h"

#include "hv/cmdline.h"
#include "hv/console.h"
#include "hv/string.h"

struct choice {
    const char *name;
    int value;
};

static const struct choice fatal_choices[] = {
    {"halt", FATAL_HALT}, {"poweroff", FATAL_POWEROFF}, {"reboot", FATAL_REBOOT}, {NULL, 0}};
static const struct choice after_boot_choices[] = {
    {"idle", AFTER_BOOT_IDLE}, {"poweroff", AFTER_BOOT_POWEROFF}, {"magic", AFTER_BOOT_MAGIC}, {NULL, 0}};
static const struct choice fault_choices[] = {{"pf", FAULT_PF},       {"gp", FAULT_GP},       {"ud", FAULT_UD},
                                              {"ap-pf", FAULT_AP_PF}, {"panic", FAULT_PANIC},
                                              {"panic-running", FAULT_PANIC_RUNNING},
                                              {"exit-pf", FAULT_EXIT_PF}, {NULL, 0}};
static const struct choice tsc_ref_choices[] = {{"hpet", 0}, {"pit", 1}, {NULL, 0}};

static const char *const known_keys[] = {"console", "debugcon", "on_fatal", "after_boot", "fault", "tsc_ref", "module_crc", "acpi_dump", "exit_with"};

/* The value of option `key` among `choices`, or `fallback`. */
static int pick(const char *cmdline, const char *key, const struct choice *choices, int fallback)
{
    char buf[32];
    if (!cmdline_get(cmdline, key, buf, sizeof buf))
        return fallback;
    for (const struct choice *c = choices; c->name; c++)
        if (strcmp(buf, c->name) == 0)
            return c->value;
    printk("warning: boot option %s=%s not understood; keeping the default", key, buf);
    return fallback;
}

static void warn_unknown(const char *word, size_t key_len, size_t word_len, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < ARRAY_SIZE(known_keys); i++)
        if (strlen(known_keys[i]) == key_len && strncmp(word, known_keys[i], key_len) == 0)
            return;
    printk("warning: unknown boot option '%.*s' ignored", (int)word_len, word);
}

void boot_options_parse(const char *cmdline, struct boot_options *o)
{
    *o = (struct boot_options){.console = "com2"};
    cmdline_get(cmdline, "console", o->console, sizeof o->console);
    o->debugcon = cmdline_has(cmdline, "debugcon");
    o->on_fatal = (enum fatal_action)pick(cmdline, "on_fatal", fatal_choices, FATAL_HALT);
    o->after_boot = (enum after_boot)pick(cmdline, "after_boot", after_boot_choices, AFTER_BOOT_IDLE);
    o->fault = (enum test_fault)pick(cmdline, "fault", fault_choices, FAULT_NONE);
    o->tsc_ref_pit = pick(cmdline, "tsc_ref", tsc_ref_choices, 0) == 1;
    o->module_crc = cmdline_has(cmdline, "module_crc");
    o->acpi_dump = cmdline_has(cmdline, "acpi_dump");
    cmdline_get(cmdline, "exit_with", o->exit_with, sizeof o->exit_with);
    cmdline_for_each(cmdline, warn_unknown, NULL);
}
