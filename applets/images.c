/* images.c - `docker images`: the older name of image ls. */
//applet:images
//summary:list images (image ls)
//config:config APPLET_IMAGES
//config:	bool "images (image ls)"
//config:	default y
//config:	depends on APPLET_IMAGE
//config:	help
//config:	  Docker's `images`: the same as `image ls`.
//usage:[-q] [--format T] [--root DIR]
//usage:List the images in the store: REPOSITORY, TAG, IMAGE ID, CREATED and
//usage:SIZE of each tag, newest first. The same as `boxcar image ls`.
//usage:
//usage:  -q              the IMAGE IDs alone
//usage:  --format T      json, a template ({{.Repository}}:{{.Tag}} {{.ID}}...), or
//usage:                  "table T" with a header (see image --help)
//usage:  --root DIR      store directory (default $BOXCAR_ROOT or the built-in one)

int image_alias_main(const char *sub, int argc, char **argv);

int images_main(int argc, char **argv)
{
	return image_alias_main("ls", argc, argv);
}
