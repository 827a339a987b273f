/*
 * F8 in Promela, hand-abstracted (for the SPIN comparison in bench/exhaustive.bench.ts):
 * free_unmap_vmap_area sets VM_LAZY_FREE before atomic_add(&vmap_lazy_nr), racing
 * __purge_vmap_area_lazy, which walks the areas, counts the lazily freed ones in nr and
 * checks BUG_ON(nr > atomic_read(&vmap_lazy_nr)). One step per shared access, as the port.
 */
#define NAREAS 2
#define PAGES 2

bool lazy[NAREAS];     /* va->flags & VM_LAZY_FREE */
bool freeing[NAREAS];  /* va->flags & VM_LAZY_FREEING */
int lazy_nr = 0;       /* atomic_t vmap_lazy_nr */
bool purge_lock = false;

/* vfree -> free_unmap_vmap_area(va) */
proctype freer(byte i) {
  lazy[i] = true;              /* va->flags |= VM_LAZY_FREE */
  lazy_nr = lazy_nr + PAGES    /* atomic_add(va_size >> PAGE_SHIFT, &vmap_lazy_nr) */
}

/* vm_unmap_aliases -> __purge_vmap_area_lazy(&start, &end, 1, flush) */
proctype purger() {
  int nr = 0;
  byte i = 0;
  atomic { !purge_lock -> purge_lock = true };   /* spin_lock(&purge_lock) */
  do
  :: i < NAREAS ->
     if
     :: lazy[i] && !freeing[i] -> freeing[i] = true; nr = nr + PAGES
     :: else -> skip
     fi;
     i++
  :: else -> break
  od;
  if
  :: nr > 0 ->
     assert(nr <= lazy_nr);    /* BUG_ON(nr > atomic_read(&vmap_lazy_nr)) */
     lazy_nr = lazy_nr - nr    /* atomic_sub(nr, &vmap_lazy_nr) */
  :: else -> skip
  fi;
  purge_lock = false           /* spin_unlock(&purge_lock) */
}

init {
  atomic { run freer(0); run purger() }
}
