/* template.h - the part of Go's text/template that `docker inspect -f`
 * and `docker ps --format` users write: {{.Path.To.Field}} and
 * {{json .Path}}, applied to a JSON value (what inspect and ps print).
 * Like the docker CLI, a literal \t or \n in the template is a tab or a
 * newline. Errors follow err.h.
 */
#ifndef BOXCAR_TEMPLATE_H
#define BOXCAR_TEMPLATE_H

#include <stdint.h>
#include <stdio.h>

#include "json.h"

/* Check a template: 0, or -1 naming the action that is not supported. */
int template_check(const char *tmpl);
/* 0 if every {{.Path}} of tmpl names something in node v of d; else -1
 * and "template: {{.Bogus}}: no such field". For values of a fixed shape
 * (a ps line), where Docker's templates fail on an unknown field too. */
int template_fields_exist(const char *tmpl, const struct json_doc *d, uint32_t v);
/* Render tmpl against node v of d to out (no newline added). Values:
 * strings as they are, numbers, true/false, null as <nil>, a missing
 * field as <no value>, arrays as [a b], objects as map[k:v]; {{json .X}}
 * gives X as compact JSON. */
int template_render(const char *tmpl, const struct json_doc *d, uint32_t v, FILE *out);

/* json (n bytes, one object: a listing's line) through tmpl, whose
 * fields must exist, and a newline; tmpl NULL: json as it is. 0, or -1. */
int template_line(const char *tmpl, const char *json, size_t n, FILE *out);
/* Each element of the JSON array json (n bytes) through tmpl, a line
 * each (inspect -f). 0, or -1. */
int template_each(const char *tmpl, const char *json, size_t n, FILE *out);

/* --format "table T": the header line, each {{.Field}} as titles names
 * it ({ "Names", "NAMES" }...; else the field in capitals), literal text
 * kept, \t and \n as the renderer makes them. */
void template_table_header(const char *t, const char *const titles[][2], unsigned ntitles,
			   FILE *out);
/* Print the table's lines (buf, header first, cells cut at tabs) aligned
 * as docker's tabwriter aligns them: a cell at least 10 wide, 3 blanks of
 * padding, the last cell of a line as it is. */
void template_table_print(char *buf);

#endif
